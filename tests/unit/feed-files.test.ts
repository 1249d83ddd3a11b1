import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/lib/server/access/actor.ts';
import { feedAttachments, feedChannels, feedPosts } from '../../src/lib/server/db/schema.ts';
import { DomainError } from '../../src/lib/server/errors.ts';
import {
	attachmentsOf,
	checkUpload,
	claimAttachments,
	collectFiles,
	contentDisposition,
	detectType,
	imageSize,
	openAttachment,
	sanitiseName,
	storedPath,
	storeUpload
} from '../../src/lib/server/feed/files.ts';
import { ATTACHMENT_MAX_BYTES } from '../../src/lib/shared/feed.ts';
import { drivers, freshDatabase, type TestDatabase } from '../support/db.ts';
import { createTestOrganisation, createTestUser, type TestUser } from '../support/factories.ts';
import {
	EXE,
	gif,
	HTML,
	jpeg,
	PDF,
	png,
	PNG_1X1,
	SVG,
	TEXT,
	webpExtended,
	webpLossless,
	webpLossy
} from '../support/file-fixtures.ts';

const codeOf = (work: () => unknown): string | null => {
	try {
		work();
		return null;
	} catch (error) {
		if (error instanceof DomainError) return error.code;
		throw error;
	}
};
const check = (name: string, declaredType: string, bytes: Uint8Array) => () =>
	checkUpload({ name, declaredType, bytes });

describe('detecting files by their bytes', () => {
	it.each([
		['PNG', PNG_1X1, 'image/png', { width: 1, height: 1 }],
		['PNG header', png(640, 480), 'image/png', { width: 640, height: 480 }],
		['JPEG (SOF after APP segments)', jpeg(1024, 768), 'image/jpeg', { width: 1024, height: 768 }],
		['GIF', gif(300, 200), 'image/gif', { width: 300, height: 200 }],
		['WebP lossy (VP8)', webpLossy(800, 600), 'image/webp', { width: 800, height: 600 }],
		['WebP lossless (VP8L)', webpLossless(4000, 3000), 'image/webp', { width: 4000, height: 3000 }],
		['WebP extended (VP8X)', webpExtended(5000, 70), 'image/webp', { width: 5000, height: 70 }]
	])('reads a %s and its dimensions', (_, bytes, type, size) => {
		expect(detectType(bytes)).toBe(type);
		expect(imageSize(bytes, type as 'image/png')).toEqual(size);
	});

	it('reads a PDF and refuses everything else', () => {
		expect(detectType(PDF)).toBe('application/pdf');
		for (const other of [SVG, HTML, EXE, TEXT, new Uint8Array(0)])
			expect(detectType(other)).toBeNull();
	});
});

describe('checkUpload refusals', () => {
	it('accepts honest files, neutral declared types and known aliases', () => {
		expect(check('photo.png', 'image/png', PNG_1X1)()).toBe('image/png');
		expect(check('Photo.JPG', 'image/jpg', jpeg(10, 10))()).toBe('image/jpeg');
		expect(check('scan.pdf', 'application/octet-stream', PDF)()).toBe('application/pdf');
		expect(check('no-extension', '', gif(1, 1))()).toBe('image/gif');
	});

	it.each([
		['an SVG', 'logo.svg', 'image/svg+xml', SVG, 'ATTACHMENT_TYPE'],
		['an HTML page', 'page.html', 'text/html', HTML, 'ATTACHMENT_TYPE'],
		['an executable', 'setup.exe', 'application/x-msdownload', EXE, 'ATTACHMENT_TYPE'],
		['plain text', 'notes.txt', 'text/plain', TEXT, 'ATTACHMENT_TYPE'],
		['an empty file', 'empty.png', 'image/png', new Uint8Array(0), 'ATTACHMENT_MISMATCH'],
		['HTML renamed .png', 'cat.png', 'image/png', HTML, 'ATTACHMENT_MISMATCH'],
		['HTML named .pdf', 'invoice.pdf', '', HTML, 'ATTACHMENT_MISMATCH'],
		['SVG declared as PNG', 'logo', 'image/png', SVG, 'ATTACHMENT_MISMATCH'],
		['a PDF named .png (lying extension)', 'photo.png', '', PDF, 'ATTACHMENT_MISMATCH'],
		[
			'a PNG declared text/html (lying MIME)',
			'photo.png',
			'text/html',
			PNG_1X1,
			'ATTACHMENT_MISMATCH'
		],
		['a PNG named .html', 'photo.html', 'image/png', PNG_1X1, 'ATTACHMENT_MISMATCH'],
		['a PNG with a double extension', 'photo.png.exe', 'image/png', PNG_1X1, 'ATTACHMENT_MISMATCH'],
		[
			'a truncated PNG (no header to read)',
			'x.png',
			'image/png',
			PNG_1X1.slice(0, 12),
			'ATTACHMENT_TYPE'
		]
	])('refuses %s', (_, name, type, bytes, code) => {
		expect(codeOf(check(name, type, bytes))).toBe(code);
	});

	it('refuses 10 MB + 1 byte and accepts exactly 10 MB', () => {
		const limit = png(10, 10, ATTACHMENT_MAX_BYTES - png(10, 10).length);
		expect(limit.length).toBe(ATTACHMENT_MAX_BYTES);
		expect(check('big.png', 'image/png', limit)()).toBe('image/png');
		const over = png(10, 10, ATTACHMENT_MAX_BYTES + 1 - png(10, 10).length);
		expect(codeOf(check('big.png', 'image/png', over))).toBe('ATTACHMENT_TOO_LARGE');
	});
});

describe('names', () => {
	it('keeps the last path segment, drops control characters, bounds the length', () => {
		expect(sanitiseName('../../etc/passwd.png')).toBe('passwd.png');
		expect(sanitiseName('C:\\Users\\me\\photo.png')).toBe('photo.png');
		expect(sanitiseName('re\u0000port\u202e\u200bfdp.pdf')).toBe('reportfdp.pdf');
		expect(sanitiseName('  .hidden  ')).toBe('hidden');
		expect(sanitiseName('report', 'application/pdf')).toBe('report.pdf');
		expect(sanitiseName('', 'image/png')).toBe('file.png');
		const long = sanitiseName(`${'é'.repeat(300)}.jpeg`);
		expect([...long].length).toBe(120);
		expect(long.endsWith('.jpeg')).toBe(true);
	});

	it('writes an RFC 6266 Content-Disposition with an ASCII fallback', () => {
		expect(contentDisposition('attachment', 'Offre été "2025".pdf')).toBe(
			`attachment; filename="Offre ete _2025_.pdf"; filename*=UTF-8''Offre%20%C3%A9t%C3%A9%20%222025%22.pdf`
		);
		expect(contentDisposition('inline', '日本.png')).toBe(
			`inline; filename=".png"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.png`
		);
	});
});

describe.each(drivers())('stored attachments (%s)', (driver) => {
	let database: TestDatabase;
	let dataDir: string;
	let rep: TestUser;
	let alpha: TestUser;
	let beta: TestUser;
	let admin: TestUser;
	let betaChannel: string;
	const actor = (u: TestUser): Actor => ({
		id: u.user.id,
		role: u.user.role,
		organisationId: u.organisation.id,
		organisationKind: u.organisation.kind
	});

	beforeAll(async () => {
		database = await freshDatabase(driver);
		dataDir = await mkdtemp(join(tmpdir(), 'relais-files-'));
		const db = database.db;
		rep = await createTestUser(db, { role: 'rep' });
		admin = await createTestUser(db, { role: 'admin' });
		alpha = await createTestUser(db, {
			role: 'partner_member',
			organisation: await createTestOrganisation(db, { name: 'Alpha' })
		});
		beta = await createTestUser(db, {
			role: 'partner_member',
			organisation: await createTestOrganisation(db, { name: 'Beta' })
		});
		const [channel] = await db
			.insert(feedChannels)
			.values({ kind: 'partner', name: 'Beta', partnerId: beta.organisation.id })
			.returning();
		betaChannel = channel.id;
	});

	afterAll(async () => {
		await database?.drop();
		if (dataDir) await rm(dataDir, { recursive: true, force: true });
	});

	async function post(author: TestUser, attachmentIds: string[]): Promise<string> {
		return database.db.transaction(async (tx) => {
			const [row] = await tx
				.insert(feedPosts)
				.values({
					channelId: betaChannel,
					authorId: author.user.id,
					authorOrganisationId: author.organisation.id,
					body: 'files'
				})
				.returning();
			await claimAttachments(tx, actor(author), attachmentIds, row.id);
			return row.id;
		});
	}

	it('stores a file once by its SHA-256, with a row per upload and its dimensions', async () => {
		const bytes = png(320, 200, 100);
		const first = await storeUpload(database.db, dataDir, actor(rep), {
			name: '../chart.png',
			declaredType: 'image/png',
			bytes
		});
		const second = await storeUpload(database.db, dataDir, actor(beta), {
			name: 'same.png',
			declaredType: 'image/png',
			bytes
		});
		expect(first).toMatchObject({
			name: 'chart.png',
			mime: 'image/png',
			size: bytes.length,
			width: 320,
			height: 200,
			isImage: true,
			href: `/api/feed/files/${first.id}`
		});
		expect(second.id).not.toBe(first.id);
		const rows = await database.db
			.select()
			.from(feedAttachments)
			.where(eq(feedAttachments.id, first.id));
		const path = storedPath(dataDir, rows[0].sha256);
		expect(path).toBe(join(dataDir, 'files', rows[0].sha256.slice(0, 2), rows[0].sha256));
		expect(new Uint8Array(await readFile(path))).toEqual(bytes);
		const folder = await readdir(join(dataDir, 'files', rows[0].sha256.slice(0, 2)));
		expect(folder).toEqual([rows[0].sha256]); // one file, no temporary left behind
	});

	it('refuses a lying upload without storing anything', async () => {
		const before = await readdir(join(dataDir, 'files')).catch(() => []);
		await expect(
			storeUpload(database.db, dataDir, actor(rep), {
				name: 'x.png',
				declaredType: '',
				bytes: HTML
			})
		).rejects.toMatchObject({ code: 'ATTACHMENT_MISMATCH' });
		expect(await readdir(join(dataDir, 'files')).catch(() => [])).toEqual(before);
	});

	it('serves an upload to its uploader only until it is posted', async () => {
		const item = await storeUpload(database.db, dataDir, actor(beta), {
			name: 'offer.pdf',
			declaredType: 'application/pdf',
			bytes: PDF
		});
		expect(item.isImage).toBe(false);
		expect(await openAttachment(database.db, dataDir, actor(beta), item.id)).not.toBeNull();
		expect(await openAttachment(database.db, dataDir, actor(rep), item.id)).toBeNull();
		expect(await openAttachment(database.db, dataDir, actor(alpha), item.id)).toBeNull();
	});

	it('lets a post claim only its author’s own pending uploads', async () => {
		const mine = await storeUpload(database.db, dataDir, actor(beta), {
			name: 'a.gif',
			declaredType: 'image/gif',
			bytes: gif(2, 2)
		});
		const theirs = await storeUpload(database.db, dataDir, actor(rep), {
			name: 'b.gif',
			declaredType: 'image/gif',
			bytes: gif(3, 3)
		});
		await expect(post(beta, [mine.id, theirs.id])).rejects.toMatchObject({
			code: 'ATTACHMENT_INVALID'
		});
		// The failed post claimed nothing.
		const postId = await post(beta, [mine.id]);
		await expect(post(beta, [mine.id])).rejects.toMatchObject({ code: 'ATTACHMENT_INVALID' });
		await expect(post(beta, ['00000000-0000-4000-8000-000000000000'])).rejects.toMatchObject({
			code: 'ATTACHMENT_INVALID'
		});
		const map = await attachmentsOf(database.db, [postId, '00000000-0000-4000-8000-000000000000']);
		expect(map.get(postId)?.map((a) => a.id)).toEqual([mine.id]);
		expect(map.size).toBe(1);
	});

	it('serves a posted file to those who see the post, never to another partner', async () => {
		const item = await storeUpload(database.db, dataDir, actor(beta), {
			name: 'plan.pdf',
			declaredType: 'application/pdf',
			bytes: PDF
		});
		const postId = await post(beta, [item.id]);
		const opened = await openAttachment(database.db, dataDir, actor(rep), item.id);
		expect(opened?.item.mime).toBe('application/pdf');
		const chunks: Uint8Array[] = [];
		for await (const chunk of opened!.stream()) chunks.push(chunk);
		expect(Buffer.concat(chunks).equals(Buffer.from(PDF))).toBe(true);
		expect(await openAttachment(database.db, dataDir, actor(beta), item.id)).not.toBeNull();
		expect(await openAttachment(database.db, dataDir, actor(alpha), item.id)).toBeNull();
		expect(await openAttachment(database.db, dataDir, actor(alpha), 'not-a-uuid')).toBeNull();

		// Hidden by a moderator: its author and admins still open it, others do not.
		await database.db
			.update(feedPosts)
			.set({ hiddenAt: new Date(), hiddenById: admin.user.id })
			.where(eq(feedPosts.id, postId));
		expect(await openAttachment(database.db, dataDir, actor(rep), item.id)).toBeNull();
		expect(await openAttachment(database.db, dataDir, actor(beta), item.id)).not.toBeNull();
		expect(await openAttachment(database.db, dataDir, actor(admin), item.id)).not.toBeNull();

		// Deleted: nobody.
		await database.db
			.update(feedPosts)
			.set({ deletedAt: new Date() })
			.where(eq(feedPosts.id, postId));
		expect(await openAttachment(database.db, dataDir, actor(beta), item.id)).toBeNull();
		expect(await openAttachment(database.db, dataDir, actor(admin), item.id)).toBeNull();
	});

	it('collects uploads never posted after a day and files nothing refers to', async () => {
		const old = await storeUpload(database.db, dataDir, actor(rep), {
			name: 'old.png',
			declaredType: 'image/png',
			bytes: png(7, 7, 7)
		});
		const kept = await storeUpload(database.db, dataDir, actor(rep), {
			name: 'fresh.png',
			declaredType: 'image/png',
			bytes: png(8, 8, 8)
		});
		const [oldRow] = await database.db
			.update(feedAttachments)
			.set({ createdAt: new Date(Date.now() - 25 * 60 * 60 * 1000) })
			.where(eq(feedAttachments.id, old.id))
			.returning();
		const [keptRow] = await database.db
			.select()
			.from(feedAttachments)
			.where(eq(feedAttachments.id, kept.id));
		const oldPath = storedPath(dataDir, oldRow.sha256);
		const keptPath = storedPath(dataDir, keptRow.sha256);
		const orphan = join(dataDir, 'files', 'ab', 'ab'.padEnd(64, '0'));
		const young = join(dataDir, 'files', 'cd', 'cd'.padEnd(64, '0'));
		const temporary = `${keptPath}.dead.tmp`;
		await writeFile(temporary, 'half');
		for (const path of [orphan, young]) {
			await mkdir(join(path, '..'), { recursive: true });
			await writeFile(path, 'x');
		}
		const hoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
		for (const path of [oldPath, keptPath, orphan, temporary])
			await utimes(path, hoursAgo, hoursAgo);

		const result = await collectFiles(database.db, dataDir);
		expect(result.uploads).toBe(1);
		const exists = (path: string) =>
			stat(path).then(
				() => true,
				() => false
			);
		expect(await exists(oldPath)).toBe(false);
		expect(await exists(orphan)).toBe(false);
		expect(await exists(temporary)).toBe(false);
		expect(await exists(keptPath)).toBe(true); // still referenced
		expect(await exists(young)).toBe(true); // inside the grace period
		expect(
			await database.db.select().from(feedAttachments).where(eq(feedAttachments.id, old.id))
		).toEqual([]);
		// Files of posted attachments stay.
		for (const row of await database.db.select().from(feedAttachments)) {
			expect(await exists(storedPath(dataDir, row.sha256))).toBe(true);
		}
	});
});
