import { json } from '@sveltejs/kit';
import { consumeAttempt } from '$lib/server/auth/rate-limit';
import { FEED_ERROR_MESSAGES, FEED_ERROR_STATUS, FeedError } from '$lib/server/feed/errors';
import { storeUpload } from '$lib/server/feed/files';
import { ATTACHMENT_BODY_LIMIT } from '$lib/server/http/limits';
import { m } from '$lib/paraglide/messages';
import { ATTACHMENT_MAX_BYTES } from '$lib/shared/feed';
import type { RequestHandler } from './$types';

// POST multipart { file }: one attachment, stored for the signed-in person until a post claims it.
// Answers 201 { attachment } or a JSON refusal { message, code, key } a person can read (the page
// shows `message`, or translates `key`). SvelteKit already refuses cross-site form posts.

type Messages = Record<string, (() => string) | undefined>;
const messages = m as unknown as Messages;

/** Uploads per person and window: plenty for people, a wall for a runaway script. */
const UPLOAD_RATE = { limit: 60, windowMs: 10 * 60 * 1000 };

function refuse(status: number, code: string, key: string, headers?: HeadersInit): Response {
	const message = messages[key]?.() ?? key;
	return json({ message, code, key }, { status, headers });
}

const feedRefusal = (error: FeedError) =>
	refuse(FEED_ERROR_STATUS[error.code], error.code, FEED_ERROR_MESSAGES[error.code]);

export const POST: RequestHandler = async ({ locals, request }) => {
	const user = locals.user;
	if (!user) return refuse(401, 'UNAUTHENTICATED', 'feed_upload_sign_in');
	// Refused before reading a byte: a declared body larger than one file and its envelope.
	const declared = Number(request.headers.get('content-length'));
	if (Number.isFinite(declared) && declared > ATTACHMENT_BODY_LIMIT) {
		return feedRefusal(new FeedError('ATTACHMENT_TOO_LARGE', 'file'));
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
		return feedRefusal(new FeedError('ATTACHMENT_TOO_LARGE', 'file'));
	}
	try {
		const attachment = await storeUpload(db, locals.runtime.config.dataDir, user, {
			name: file.name,
			declaredType: file.type,
			bytes: new Uint8Array(await file.arrayBuffer())
		});
		return json({ attachment }, { status: 201 });
	} catch (error) {
		if (error instanceof FeedError) return feedRefusal(error);
		throw error;
	}
};
