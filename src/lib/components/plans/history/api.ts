// JSON calls to the plan history and comments endpoints (same origin, so the Origin header the
// server checks is the page's own).

export class ApiError extends Error {
	readonly status: number;
	constructor(status: number, message: string) {
		super(message);
		this.status = status;
	}
}

export async function api<T>(
	path: string,
	init: { method?: 'GET' | 'POST' | 'PATCH' | 'DELETE'; body?: unknown } = {}
): Promise<T> {
	const response = await fetch(path, {
		method: init.method ?? 'GET',
		headers: init.body === undefined ? undefined : { 'content-type': 'application/json' },
		body: init.body === undefined ? undefined : JSON.stringify(init.body)
	});
	if (!response.ok) {
		let message = response.statusText;
		try {
			message = ((await response.json()) as { message?: string }).message ?? message;
		} catch {
			// Not JSON: keep the status text.
		}
		throw new ApiError(response.status, message);
	}
	return (await response.json()) as T;
}

export function fromBase64(value: string): Uint8Array {
	const binary = atob(value);
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
	return bytes;
}

export function toBase64(bytes: Uint8Array): string {
	let binary = '';
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return btoa(binary);
}
