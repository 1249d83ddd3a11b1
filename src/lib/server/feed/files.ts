import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { and, asc, eq, inArray, isNull, lt } from 'drizzle-orm';
import { canModerateFeed, canReadAttachment } from '../access/feed-policy.ts';
import type { Actor } from '../access/actor.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { parseCursor } from '../db/keyset.ts';
import { feedAttachments } from '../db/schema.ts';
import { enqueueNextRun, scheduleRecurringJob, type JobHandlers } from '../jobs/index.ts';
import {
	ATTACHMENT_IMAGE_TYPES,
	ATTACHMENT_MAX_BYTES,
	type AttachmentItem,
	type AttachmentType
} from '../../shared/feed.ts';
import { visiblePost } from './access.ts';
import { DomainError } from '../errors.ts';

// Files attached to posts. The type is read from the bytes (magic numbers), never taken from the
// name or the browser's claim, and a claim that disagrees with the bytes is refused: a file is
// only ever served as what it really is. Files live once under <dataDir>/files/<aa>/<sha256>
// (content-addressed: the same bytes uploaded twice are stored once), written to a temporary
// name and renamed, so a reader never sees half a file. Each upload is a feed_attachments row,
// first the uploader's alone (post_id null), then the post's when it is posted.

const NAME_MAX = 120;
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
/** Uploads never attached are deleted after this long. */
export const UNATTACHED_TTL_MS = DAY_MS;
/** A stored file younger than this is never collected (its row may be on its way). */
const FILE_GRACE_MS = HOUR_MS;

const EXTENSIONS: Record<AttachmentType, readonly string[]> = {
	'image/png': ['png'],
	'image/jpeg': ['jpg', 'jpeg', 'jpe', 'jfif'],
	'image/gif': ['gif'],
	'image/webp': ['webp'],
	'application/pdf': ['pdf']
};
const TYPE_ALIASES: Record<string, AttachmentType> = {
	'image/jpg': 'image/jpeg',
	'image/pjpeg': 'image/jpeg',
	'application/x-pdf': 'application/pdf'
};
/** Claims that say nothing (what browsers send for an unknown file). */
const NEUTRAL_TYPES = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

const isImage = (mime: string) => (ATTACHMENT_IMAGE_TYPES as readonly string[]).includes(mime);

// ── Detection ───────────────────────────────────────────────────────────────────────────────────

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0) =>
	bytes.length >= offset + signature.length &&
	signature.every((byte, i) => bytes[offset + i] === byte);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const GIF87 = ascii('GIF87a');
const GIF89 = ascii('GIF89a');
const RIFF = ascii('RIFF');
const WEBP = ascii('WEBP');
const PDF = ascii('%PDF-');

/** The accepted type these bytes are, by their magic numbers; null for anything else. */
export function detectType(bytes: Uint8Array): AttachmentType | null {
	if (startsWith(bytes, PNG)) return 'image/png';
	if (startsWith(bytes, JPEG)) return 'image/jpeg';
	if (startsWith(bytes, GIF87) || startsWith(bytes, GIF89)) return 'image/gif';
	if (startsWith(bytes, RIFF) && startsWith(bytes, WEBP, 8)) return 'image/webp';
	if (startsWith(bytes, PDF)) return 'application/pdf';
	return null;
}

const u16be = (b: Uint8Array, o: number) => (b[o] << 8) | b[o + 1];
const u16le = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8);
const u24le = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8) | (b[o + 2] << 16);
const u32be = (b: Uint8Array, o: number) =>
	((b[o] << 24) | (b[o + 1] << 16) | u16be(b, o + 2)) >>> 0;

/** SOFn markers (frame headers) of JPEG: C0–CF except DHT (C4), JPG (C8) and DAC (CC). */
const isSof = (marker: number) =>
	marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

function jpegSize(b: Uint8Array): { width: number; height: number } | null {
	let o = 2;
	while (o + 3 < b.length) {
		if (b[o] !== 0xff) return null;
		const marker = b[o + 1];
		if (marker === 0xff) {
			o += 1; // fill byte
			continue;
		}
		if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
			o += 2; // markers without a length
			continue;
		}
		if (marker === 0xd9 || marker === 0xda) return null; // end, or scan data before any frame
		const length = u16be(b, o + 2);
		if (length < 2) return null;
		if (isSof(marker)) {
			if (o + 8 >= b.length) return null;
			return { height: u16be(b, o + 5), width: u16be(b, o + 7) };
		}
		o += 2 + length;
	}
	return null;
}

function webpSize(b: Uint8Array): { width: number; height: number } | null {
	if (b.length < 30) return null;
	const chunk = String.fromCharCode(b[12], b[13], b[14], b[15]);
	if (chunk === 'VP8 ') {
		if (!startsWith(b, [0x9d, 0x01, 0x2a], 23)) return null;
		return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
	}
	if (chunk === 'VP8L') {
		if (b[20] !== 0x2f) return null;
		const [b0, b1, b2, b3] = [b[21], b[22], b[23], b[24]];
		return {
			width: 1 + (((b1 & 0x3f) << 8) | b0),
			height: 1 + (((b3 & 0x0f) << 10) | (b2 << 2) | ((b1 & 0xc0) >> 6))
		};
	}
	if (chunk === 'VP8X') return { width: 1 + u24le(b, 24), height: 1 + u24le(b, 27) };
	return null;
}

/** Width and height from an image's header; null when the header cannot be read. */
export function imageSize(
	bytes: Uint8Array,
	type: AttachmentType
): { width: number; height: number } | null {
	let size: { width: number; height: number } | null = null;
	if (type === 'image/png') {
		if (bytes.length >= 24 && startsWith(bytes, ascii('IHDR'), 12)) {
			size = { width: u32be(bytes, 16), height: u32be(bytes, 20) };
		}
	} else if (type === 'image/gif') {
		if (bytes.length >= 10) size = { width: u16le(bytes, 6), height: u16le(bytes, 8) };
	} else if (type === 'image/jpeg') {
		size = jpegSize(bytes);
	} else if (type === 'image/webp') {
		size = webpSize(bytes);
	}
	if (!size || size.width <= 0 || size.height <= 0) return null;
	return size;
}

const extensionOf = (name: string) => {
	const dot = name.lastIndexOf('.');
	return dot > 0 && dot < name.length - 1 ? name.slice(dot + 1).toLowerCase() : null;
};

const claimedType = (declared: string): string => {
	const type = declared.split(';')[0].trim().toLowerCase();
	return TYPE_ALIASES[type] ?? type;
};

/**
 * The file's type from its bytes, refusing what is not accepted (ATTACHMENT_TYPE) and what lies
 * about itself (ATTACHMENT_MISMATCH): an extension or a declared type that is not the content's.
 */
export function checkUpload(input: {
	name: string;
	declaredType: string;
	bytes: Uint8Array;
}): AttachmentType {
	if (input.bytes.byteLength > ATTACHMENT_MAX_BYTES) {
		throw new DomainError('ATTACHMENT_TOO_LARGE', { field: 'file' });
	}
	const detected = detectType(input.bytes);
	const extension = extensionOf(sanitiseName(input.name));
	const declared = claimedType(input.declaredType);
	if (!detected) {
		// Something else posing as an accepted file (page.html named .pdf) is a lie, not a type.
		const posing =
			(extension !== null && Object.values(EXTENSIONS).some((list) => list.includes(extension))) ||
			declared in EXTENSIONS;
		throw new DomainError(posing ? 'ATTACHMENT_MISMATCH' : 'ATTACHMENT_TYPE', { field: 'file' });
	}
	if (extension !== null && !EXTENSIONS[detected].includes(extension)) {
		throw new DomainError('ATTACHMENT_MISMATCH', { field: 'file' });
	}
	if (!NEUTRAL_TYPES.has(declared) && declared !== detected) {
		throw new DomainError('ATTACHMENT_MISMATCH', { field: 'file' });
	}
	if (isImage(detected) && !imageSize(input.bytes, detected)) {
		throw new DomainError('ATTACHMENT_TYPE', { field: 'file' }); // a broken image we could not preview
	}
	return detected;
}

/**
 * The name shown and used for downloads: its last path segment, without control or invisible
 * characters, at most 120 characters with the extension kept (the detected type's when none).
 */
export function sanitiseName(raw: string, type?: AttachmentType): string {
	const base = raw.split(/[/\\]/).pop() ?? '';
	let name = base
		.normalize('NFC')
		.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '')
		.replace(/\s+/g, ' ')
		.replace(/^[\s.]+|\s+$/g, '');
	if (type && !extensionOf(name)) name = `${name || 'file'}.${EXTENSIONS[type][0]}`;
	if (!name) name = 'file';
	const chars = [...name];
	if (chars.length <= NAME_MAX) return name;
	const extension = extensionOf(name);
	const suffix = extension && extension.length <= 10 ? `.${extension}` : '';
	return (
		chars
			.slice(0, NAME_MAX - suffix.length)
			.join('')
			.trimEnd() + suffix
	);
}

// ── Storage ─────────────────────────────────────────────────────────────────────────────────────

const filesDir = (dataDir: string) => join(dataDir, 'files');
/** Where the bytes with this SHA-256 live. */
export const storedPath = (dataDir: string, sha256: string) =>
	join(filesDir(dataDir), sha256.slice(0, 2), sha256);

async function writeOnce(path: string, bytes: Uint8Array): Promise<void> {
	const existing = await stat(path).catch(() => null);
	if (existing?.isFile() && existing.size === bytes.byteLength) {
		// Already stored: refresh its time so the collector's grace period covers the new row.
		const now = new Date();
		await utimes(path, now, now);
		return;
	}
	await mkdir(join(path, '..'), { recursive: true });
	const temporary = `${path}.${randomUUID()}.tmp`;
	try {
		await writeFile(temporary, bytes, { flag: 'wx' });
		await rename(temporary, path);
	} catch (error) {
		await rm(temporary, { force: true });
		throw error;
	}
}

type AttachmentRow = typeof feedAttachments.$inferSelect;

export function toAttachmentItem(row: AttachmentRow): AttachmentItem {
	return {
		id: row.id,
		name: row.name,
		mime: row.mime,
		size: row.size,
		width: row.width,
		height: row.height,
		href: `/api/feed/files/${row.id}`,
		isImage: isImage(row.mime)
	};
}

/** Stores an upload (the uploader's alone until a post claims it). */
export async function storeUpload(
	db: Db,
	dataDir: string,
	actor: Actor,
	input: { name: string; declaredType: string; bytes: Uint8Array }
): Promise<AttachmentItem> {
	const type = checkUpload(input);
	const size = isImage(type) ? imageSize(input.bytes, type) : null;
	const sha256 = createHash('sha256').update(input.bytes).digest('hex');
	await writeOnce(storedPath(dataDir, sha256), input.bytes);
	const [row] = await db
		.insert(feedAttachments)
		.values({
			uploaderId: actor.id,
			sha256,
			name: sanitiseName(input.name, type),
			mime: type,
			size: input.bytes.byteLength,
			width: size?.width ?? null,
			height: size?.height ?? null
		})
		.returning();
	return toAttachmentItem(row);
}

/**
 * Attaches the actor's own pending uploads to a post (in the post's transaction): any id that is
 * not one of them — someone else's, already posted, unknown — refuses the whole post.
 */
export async function claimAttachments(
	tx: Db,
	actor: Actor,
	attachmentIds: readonly string[],
	postId: string
): Promise<AttachmentItem[]> {
	const ids = [...new Set(attachmentIds)];
	if (ids.length === 0) return [];
	if (!ids.every((id) => parseCursor(id, 'uuid'))) {
		throw new DomainError('ATTACHMENT_INVALID', { field: 'attachmentIds' });
	}
	const rows = await tx
		.update(feedAttachments)
		.set({ postId })
		.where(
			and(
				inArray(feedAttachments.id, ids),
				eq(feedAttachments.uploaderId, actor.id),
				isNull(feedAttachments.postId)
			)
		)
		.returning();
	if (rows.length !== ids.length)
		throw new DomainError('ATTACHMENT_INVALID', { field: 'attachmentIds' });
	const byId = new Map(rows.map((row) => [row.id, row]));
	return ids.map((id) => toAttachmentItem(byId.get(id)!));
}

/** The attachments of these posts, in upload order (one query). */
export async function attachmentsOf(
	db: Db,
	postIds: readonly string[]
): Promise<Map<string, AttachmentItem[]>> {
	const result = new Map<string, AttachmentItem[]>();
	if (postIds.length === 0) return result;
	const rows = await db
		.select()
		.from(feedAttachments)
		.where(inArray(feedAttachments.postId, [...new Set(postIds)]))
		.orderBy(asc(feedAttachments.createdAt), asc(feedAttachments.id));
	for (const row of rows) {
		const list = result.get(row.postId!) ?? [];
		list.push(toAttachmentItem(row));
		result.set(row.postId!, list);
	}
	return result;
}

export type OpenedAttachment = {
	item: AttachmentItem;
	sha256: string;
	path: string;
	/** The bytes, streamed from disk. */
	stream(): ReadableStream<Uint8Array>;
};

/**
 * A file this person may read, or null (unknown and forbidden look the same): their own upload
 * not posted yet, or a file of a post they can see that is neither deleted nor hidden (a hidden
 * post's files stay visible to its author and to admins).
 */
export async function openAttachment(
	db: Db,
	dataDir: string,
	actor: Actor,
	id: string
): Promise<OpenedAttachment | null> {
	if (!parseCursor(id, 'uuid')) return null;
	const [row] = await db.select().from(feedAttachments).where(eq(feedAttachments.id, id));
	if (!row) return null;
	let visible = false;
	if (row.postId) {
		const found = await visiblePost(db, actor, row.postId);
		visible =
			found !== null &&
			!found.post.deleted &&
			(!found.post.hidden || found.post.authorId === actor.id || canModerateFeed(actor));
	}
	const attachment = { uploaderId: row.uploaderId, attached: row.postId !== null };
	if (!canReadAttachment(actor, attachment, visible)) return null;
	const path = storedPath(dataDir, row.sha256);
	const stored = await stat(path).catch(() => null);
	if (!stored?.isFile()) return null;
	return {
		item: toAttachmentItem(row),
		sha256: row.sha256,
		path,
		stream: () => Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>
	};
}

/** RFC 6266 / 5987: an ASCII fallback name and the exact UTF-8 one. */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
	const fallback =
		name
			.normalize('NFKD')
			.replace(/[^\x20-\x7e]/g, '')
			.replace(/["\\%;]/g, '_')
			.trim() || 'file';
	const encoded = encodeURIComponent(name).replace(
		/['()*]/g,
		(c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
	);
	return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

// ── Collection ──────────────────────────────────────────────────────────────────────────────────

export type CollectResult = { uploads: number; files: number };

/**
 * Deletes uploads never attached after a day, then the stored files no row refers to any more
 * (after a grace period, so a file whose row is being written is never taken).
 */
export async function collectFiles(
	db: Db,
	dataDir: string,
	now: Date = new Date()
): Promise<CollectResult> {
	const stale = await db
		.delete(feedAttachments)
		.where(
			and(
				isNull(feedAttachments.postId),
				lt(feedAttachments.createdAt, new Date(now.getTime() - UNATTACHED_TTL_MS))
			)
		)
		.returning({ id: feedAttachments.id });
	let files = 0;
	const root = filesDir(dataDir);
	const folders = await readdir(root).catch(() => [] as string[]);
	for (const folder of folders) {
		if (!/^[0-9a-f]{2}$/.test(folder)) continue;
		const names = await readdir(join(root, folder)).catch(() => [] as string[]);
		const old: string[] = [];
		for (const name of names) {
			const path = join(root, folder, name);
			const info = await stat(path).catch(() => null);
			if (!info?.isFile() || now.getTime() - info.mtimeMs < FILE_GRACE_MS) continue;
			if (name.endsWith('.tmp')) {
				await rm(path, { force: true }); // an upload that died half-way
				continue;
			}
			if (/^[0-9a-f]{64}$/.test(name)) old.push(name);
		}
		if (old.length === 0) continue;
		const used = await db
			.selectDistinct({ sha256: feedAttachments.sha256 })
			.from(feedAttachments)
			.where(inArray(feedAttachments.sha256, old));
		const keep = new Set(used.map((u) => u.sha256));
		for (const name of old) {
			if (keep.has(name)) continue;
			await rm(join(root, folder, name), { force: true });
			files += 1;
		}
	}
	return { uploads: stale.length, files };
}

export const FEED_FILES_JOB = 'feed.collect_files';

/** At start: enqueues the first collection unless one is already waiting. */
export async function scheduleFileJobs(db: Db): Promise<void> {
	await scheduleRecurringJob(db, FEED_FILES_JOB);
}

/** The daily file collection; each run enqueues the next. */
export function fileJobHandlers(config: Pick<Config, 'dataDir'>): JobHandlers {
	return {
		[FEED_FILES_JOB]: async (_payload, ctx) => {
			const result = await collectFiles(ctx.db, config.dataDir);
			if (result.uploads + result.files > 0) ctx.log.info(result, 'feed files collected');
			await enqueueNextRun(ctx.db, FEED_FILES_JOB, ctx.jobId, DAY_MS);
		}
	};
}
