import { consumeAttempt } from '$lib/server/auth/rate-limit';
import { DomainError } from '$lib/server/errors';
import { storeUpload } from '$lib/server/feed/files';
import { jsonAnswer, jsonEndpoint, jsonMessage, jsonRefusal } from '$lib/server/http/edge';
import { ATTACHMENT_BODY_LIMIT } from '$lib/server/http/limits';
import { ATTACHMENT_MAX_BYTES } from '$lib/shared/feed';
import type { RequestHandler } from './$types';

// POST multipart { file }: one attachment, stored for the signed-in person until a post claims it.
// Answers 201 { attachment } or a JSON refusal { message, code, key } a person can read (the page
// shows `message`, or translates `key`). handleOrigin refuses cross-site posts.

/** Uploads per person and window: plenty for people, a wall for a runaway script. */
const UPLOAD_RATE = { limit: 60, windowMs: 10 * 60 * 1000 };

const refuse = (status: number, code: string, key: string, headers?: HeadersInit) =>
	jsonMessage(status, { key }, { code, headers });
const tooLarge = () => jsonRefusal(new DomainError('ATTACHMENT_TOO_LARGE', { field: 'file' }));

export const POST: RequestHandler = jsonEndpoint({}, async ({ event, user }) => {
	const { locals, request } = event;
	// Refused before reading a byte: a declared body larger than one file and its envelope.
	const declared = Number(request.headers.get('content-length'));
	if (Number.isFinite(declared) && declared > ATTACHMENT_BODY_LIMIT) {
		return tooLarge();
	}
	const db = locals.runtime.db;
	const key = `feed-upload:${user.id}`;
	// Counted first, atomically: parallel uploads cannot all slip under the limit.
	const rate = await consumeAttempt(db, key, UPLOAD_RATE);
	if (rate.limited) {
		return refuse(429, 'RATE_LIMITED', 'feed_upload_rate_limited', {
			'retry-after': String(rate.retryAfterSeconds)
		});
	}

	let file: FormDataEntryValue | null = null;
	try {
		file = (await request.formData()).get('file');
	} catch {
		// Not a multipart body (or a broken one).
	}
	if (!(file instanceof File)) return refuse(400, 'NO_FILE', 'feed_upload_no_file');
	if (file.size > ATTACHMENT_MAX_BYTES) {
		return tooLarge();
	}
	const attachment = await storeUpload(db, locals.runtime.config.dataDir, user, {
		name: file.name,
		declaredType: file.type,
		bytes: new Uint8Array(await file.arrayBuffer())
	});
	return jsonAnswer({ attachment }, 201);
});
