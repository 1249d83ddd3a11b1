import { contentDisposition, openAttachment } from '$lib/server/feed/files';
import { jsonEndpoint, jsonNotFound } from '$lib/server/http/edge';
import type { RequestHandler } from './$types';

// GET: a file, only to those who may see it (unknown and forbidden are the same 404). It is served
// as the type read from its bytes, never sniffed, in a sandbox with no script: an image may show
// inline (unless ?download=1), a PDF is always a download.

export const GET: RequestHandler = jsonEndpoint({}, async ({ event, user }) => {
	const { locals, params, request, url } = event;
	const file = await openAttachment(
		locals.runtime.db,
		locals.runtime.config.dataDir,
		user,
		params.id
	);
	if (!file) return jsonNotFound();
	const etag = `"${file.sha256}"`;
	const inline = file.item.isImage && url.searchParams.get('download') !== '1';
	const headers = new Headers({
		'content-type': file.item.mime,
		'x-content-type-options': 'nosniff',
		'content-security-policy': "default-src 'none'; sandbox",
		'cache-control': 'private, max-age=3600',
		etag,
		'content-disposition': contentDisposition(inline ? 'inline' : 'attachment', file.item.name),
		'cross-origin-resource-policy': 'same-origin'
	});
	if (request.headers.get('if-none-match') === etag) {
		return new Response(null, { status: 304, headers });
	}
	headers.set('content-length', String(file.item.size));
	return new Response(file.stream(), { status: 200, headers });
});
