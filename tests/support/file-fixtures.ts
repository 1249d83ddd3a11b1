// Small files for the attachment tests: real headers (and a real 1×1 PNG), or content that lies.

const bytes = (...parts: (number[] | string | Uint8Array)[]): Uint8Array => {
	const chunks = parts.map((p) =>
		typeof p === 'string'
			? new TextEncoder().encode(p)
			: p instanceof Uint8Array
				? p
				: Uint8Array.from(p)
	);
	const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
	let offset = 0;
	for (const chunk of chunks) {
		out.set(chunk, offset);
		offset += chunk.length;
	}
	return out;
};
const u16be = (n: number) => [(n >> 8) & 0xff, n & 0xff];
const u16le = (n: number) => [n & 0xff, (n >> 8) & 0xff];
const u24le = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff];
const u32be = (n: number) => [(n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];

/** A valid 1×1 transparent PNG. */
export const PNG_1X1 = Uint8Array.from(
	Buffer.from(
		'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
		'base64'
	)
);

/** A PNG header of the given size (IHDR only: enough for detection and dimensions). */
export const png = (width: number, height: number, extra = 0) =>
	bytes(
		[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
		u32be(13),
		'IHDR',
		u32be(width),
		u32be(height),
		[8, 6, 0, 0, 0],
		u32be(0),
		new Uint8Array(extra)
	);

/** A JPEG with an APP0 segment, an EXIF-like APP1, then its SOF0 frame header. */
export const jpeg = (width: number, height: number) =>
	bytes(
		[0xff, 0xd8],
		[0xff, 0xe0],
		u16be(16),
		'JFIF\0',
		[1, 1, 0, 0, 1, 0, 1, 0, 0],
		[0xff, 0xe1],
		u16be(2 + 20),
		new Uint8Array(20),
		[0xff, 0xc0],
		u16be(17),
		[8],
		u16be(height),
		u16be(width),
		[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1],
		[0xff, 0xd9]
	);

export const gif = (width: number, height: number) =>
	bytes('GIF89a', u16le(width), u16le(height), [0xf0, 0, 0], new Uint8Array(16), [0x3b]);

const riff = (chunk: string, payload: Uint8Array) =>
	bytes('RIFF', [0, 0, 0, 0], 'WEBP', chunk, [payload.length & 0xff, 0, 0, 0], payload);

export const webpLossy = (width: number, height: number) =>
	riff(
		'VP8 ',
		bytes([0, 0, 0], [0x9d, 0x01, 0x2a], u16le(width), u16le(height), new Uint8Array(8))
	);

export const webpLossless = (width: number, height: number) => {
	const w = width - 1;
	const h = height - 1;
	return riff(
		'VP8L',
		bytes(
			[0x2f, w & 0xff, ((w >> 8) & 0x3f) | ((h & 0x3) << 6), (h >> 2) & 0xff, (h >> 10) & 0x0f],
			new Uint8Array(8)
		)
	);
};

export const webpExtended = (width: number, height: number) =>
	riff('VP8X', bytes([0x10, 0, 0, 0], u24le(width - 1), u24le(height - 1), new Uint8Array(8)));

export const PDF = bytes(
	'%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n'
);
export const SVG = bytes(
	'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'
);
export const HTML = bytes('<!doctype html><html><body><script>alert(1)</script></body></html>');
export const EXE = bytes('MZ', new Uint8Array(62), 'This program cannot be run in DOS mode.');
export const TEXT = bytes('just some notes\n');
