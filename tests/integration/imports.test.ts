import { and, eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/lib/server/access/actor.ts';
import { tables } from '../../src/lib/server/db/index.ts';
import {
	createImport,
	ENCODING_SAMPLE_BYTES,
	getImport,
	importJobHandlers,
	IMPORTS_PURGE_JOB,
	MAX_STORED_ERRORS,
	previewImport,
	runImport,
	scheduleImportJobs,
	STALE_UPLOAD_MS,
	startImport,
	updateImportMapping
} from '../../src/lib/server/imports/index.ts';
import { startJobRunner } from '../../src/lib/server/jobs/index.ts';
import { startLiveBus, type LiveBus, type LiveEvent } from '../../src/lib/server/live/index.ts';
import { drivers, freshDatabase, type TestDatabase } from '../support/db.ts';
import { createTestOrganisation, createTestUser, type TestUser } from '../support/factories.ts';

const log = pino({ level: 'silent' });
const actorOf = ({ user, organisation }: TestUser): Actor => ({
	id: user.id,
	role: user.role,
	organisationId: organisation.id,
	organisationKind: organisation.kind
});

describe.each(drivers())('CSV imports on %s', (driver) => {
	let database: TestDatabase;
	let bus: LiveBus;
	let admin: TestUser;
	let alphaAdmin: TestUser;
	let betaAdmin: TestUser;
	const events: LiveEvent[] = [];

	beforeAll(async () => {
		database = await freshDatabase(driver);
		bus = await startLiveBus(database, log);
		bus.subscribe((event) => {
			if (event.type === 'import.progress') events.push(event);
		});
		const db = database.db;
		admin = await createTestUser(db, { role: 'admin' });
		const alpha = await createTestOrganisation(db, { name: 'Alpha Conseil' });
		const beta = await createTestOrganisation(db, { name: 'Beta Services' });
		alphaAdmin = await createTestUser(db, { role: 'partner_admin', organisation: alpha });
		betaAdmin = await createTestUser(db, { role: 'partner_admin', organisation: beta });
	}, 60_000);
	afterAll(async () => {
		await bus.stop();
		await database.drop();
	}, 30_000);

	/** Uploads, starts and runs an import the way the job runner would. */
	async function importFile(
		user: TestUser,
		kind: 'accounts' | 'contacts' | 'opportunities' | 'partners',
		content: string
	) {
		const actor = actorOf(user);
		const { id } = await createImport(database.db, actor, {
			kind,
			filename: `${kind}.csv`,
			content
		});
		await startImport(database.db, actor, id);
		await runImport(database.db, id);
		const job = await getImport(database.db, actor, id);
		return { id, job: job! };
	}

	it('guesses the mapping from French headers and previews each row as it would be imported', async () => {
		const actor = actorOf(admin);
		const content =
			'\uFEFFNom;SIREN;Site web;Région\r\nSociété Générale SA;552120222;https://www.societegenerale.fr;Île-de-France\r\n;123;x;Nowhere\r\n';
		const { id } = await createImport(database.db, actor, {
			kind: 'accounts',
			filename: 'a.csv',
			content
		});
		const job = await getImport(database.db, actor, id);
		expect(job?.mapping).toEqual({ name: '0', siren: '1', domain: '2', region: '3' });
		const preview = await previewImport(database.db, actor, id);
		expect(preview?.rows.map((r) => [r.line, r.outcome])).toEqual([
			[2, 'rejected'],
			[3, 'rejected']
		]);
		// No region exists yet in this database: both rows name an unknown region.
		expect(preview?.rows[1].errors.map((e) => e.message)).toEqual(
			expect.arrayContaining([
				'imports_error_name_missing',
				'imports_error_siren',
				'imports_error_domain',
				'imports_error_region'
			])
		);
		// The preview wrote nothing.
		const [{ n }] = await database.db
			.select({ n: sql<number>`count(*)::int` })
			.from(tables.accounts);
		expect(n).toBe(0);
		await updateImportMapping(database.db, actor, id, { name: '0', siren: '1', domain: '2' });
		const again = await previewImport(database.db, actor, id);
		expect(again?.rows[0]).toMatchObject({ line: 2, outcome: 'created', errors: [] });
	});

	it('imports the good rows of a file with bad ones and reports the bad ones with their line numbers', async () => {
		events.length = 0;
		const accounts = [
			'name,siren,domain,partner,external id',
			'Acme Industries,,acme.example,Alpha Conseil,ACC-1',
			'Bolt SAS,732829320,bolt.example,,ACC-2',
			'Cyan,,cyan.example,Nobody Ltd,ACC-3',
			'"=cmd|\' /C calc\'!A0",,formula.example,,ACC-4',
			',,,,ACC-5'
		].join('\n');
		const first = await importFile(admin, 'accounts', accounts);
		expect(first.job).toMatchObject({
			status: 'done',
			totalRows: 5,
			processedRows: 5,
			createdCount: 3,
			updatedCount: 0,
			rejectedCount: 2
		});
		expect(first.job.errors).toEqual([
			{ line: 4, message: 'imports_error_partner', params: { value: 'Nobody Ltd' } },
			{ line: 6, message: 'imports_error_name_missing' }
		]);
		// The formula is data: stored as given (exports neutralise it).
		const [formula] = await database.db
			.select()
			.from(tables.accounts)
			.where(eq(tables.accounts.externalId, 'ACC-4'));
		expect(formula.name).toBe("=cmd|' /C calc'!A0");

		const opportunities = [
			'Opportunité;Compte;Étape;Montant;Date de clôture;Partenaire',
			'Renouvellement;ACC-1;Proposition;12 500,50;31/12/2026;Alpha Conseil',
			'Extension;Acme Industries;négociation;3000;2026-13-01;',
			'Pilote;Unknown Corp;gagné;1000;2026-06-30;',
			'Audit;Bolt;Gagné;abc;2026-06-30;',
			'Audit 2;Bolt;Dormant;100;2026-06-30;',
			'Audit 3;Bolt;Qualification;100;30/06/2026;Beta Services'
		].join('\r\n');
		const opps = await importFile(admin, 'opportunities', opportunities);
		expect(opps.job).toMatchObject({ status: 'done', createdCount: 2, rejectedCount: 4 });
		expect(opps.job.errors.map((e) => [e.line, e.message])).toEqual([
			[3, 'imports_error_date'],
			[4, 'imports_error_account'],
			[5, 'amount_error_not_a_number'],
			[6, 'imports_error_stage']
		]);
		const [renewal] = await database.db
			.select()
			.from(tables.opportunities)
			.where(eq(tables.opportunities.name, 'Renouvellement'));
		expect(renewal).toMatchObject({
			stage: 'proposal',
			amountCents: 1_250_050,
			closeDate: '2026-12-31',
			probability: 50
		});

		// Progress was published to the importer only, ending at 100 % with the exact counts.
		// On PostgreSQL events come back through LISTEN/NOTIFY, after the job has finished.
		await expect
			.poll(() => events.some((e) => e.data.importId === opps.id && e.data.status === 'done'))
			.toBe(true);
		const last = events.filter((e) => e.data.importId === opps.id).at(-1)!;
		expect(last.audience).toEqual({ users: [admin.user.id] });
		expect(last.data).toMatchObject({
			status: 'done',
			total: 6,
			processed: 6,
			created: 2,
			updated: 0,
			rejected: 4
		});
	});

	it('updates instead of duplicating when the same file is imported again', async () => {
		const content =
			'Name,SIREN,Domain\nDelta Logistique,,delta.example\nEpsilon,,\nZeta SARL,552100554,\n';
		const first = await importFile(admin, 'accounts', content);
		expect(first.job).toMatchObject({ createdCount: 3, updatedCount: 0, rejectedCount: 0 });
		const second = await importFile(admin, 'accounts', content.replace('Epsilon', 'EPSILON'));
		expect(second.job).toMatchObject({ createdCount: 0, updatedCount: 3, rejectedCount: 0 });
		const rows = await database.db
			.select({ name: tables.accounts.name, version: tables.accounts.version })
			.from(tables.accounts)
			.where(sql`${tables.accounts.normalisedName} in ('delta logistique', 'epsilon', 'zeta')`);
		expect(rows).toHaveLength(3);
		expect(rows.every((r) => r.version === 2)).toBe(true);

		const contacts =
			'Nom;E-mail;Fonction;Compte\nJeanne Roux;jeanne@delta.example;DAF;Delta Logistique\n';
		await importFile(admin, 'contacts', contacts);
		const again = await importFile(admin, 'contacts', contacts.replace('DAF', 'DG'));
		expect(again.job).toMatchObject({ createdCount: 0, updatedCount: 1 });
		const people = await database.db
			.select()
			.from(tables.contacts)
			.where(eq(tables.contacts.email, 'jeanne@delta.example'));
		expect(people).toHaveLength(1);
		expect(people[0].jobTitle).toBe('DG');
	});

	it("keeps a partner admin's import inside their own company", async () => {
		const alpha = actorOf(alphaAdmin);
		// Beta's own account, keyed by SIREN and external id.
		await importFile(
			betaAdmin,
			'accounts',
			'name,siren,external id\nOmega Beta,443061841,BETA-1\n'
		);
		const [omega] = await database.db
			.select()
			.from(tables.accounts)
			.where(eq(tables.accounts.externalId, 'BETA-1'));

		const result = await importFile(
			alphaAdmin,
			'accounts',
			'name,siren,external id\nOmega Alpha,443061841,\nHijack,,BETA-1\n'
		);
		// Same SIREN as Beta's: a new account of Alpha's own. Beta's external id: refused.
		expect(result.job).toMatchObject({ createdCount: 1, updatedCount: 0, rejectedCount: 1 });
		expect(result.job.errors).toEqual([
			{ line: 3, message: 'imports_error_external_id_taken', params: { value: 'BETA-1' } }
		]);
		const [stillBeta] = await database.db
			.select()
			.from(tables.accounts)
			.where(eq(tables.accounts.id, omega.id));
		expect(stillBeta).toMatchObject({ name: 'Omega Beta', version: 1 });
		const links = await database.db
			.select()
			.from(tables.accountPartners)
			.where(eq(tables.accountPartners.accountId, omega.id));
		expect(links.map((l) => l.organisationId)).toEqual([betaAdmin.organisation.id]);

		// Contacts and deals name accounts Alpha can see only; rows land in Alpha's company.
		const contacts = await importFile(
			alphaAdmin,
			'contacts',
			'name,email,account\nAnne,anne@omega.example,Omega Beta\nBob,bob@omega.example,Omega Alpha\n'
		);
		expect(contacts.job).toMatchObject({ createdCount: 1, rejectedCount: 1 });
		const [bob] = await database.db
			.select()
			.from(tables.contacts)
			.where(eq(tables.contacts.email, 'bob@omega.example'));
		expect(bob.organisationId).toBe(alpha.organisationId);
		const deals = await importFile(
			alphaAdmin,
			'opportunities',
			'name,account,stage\nAlpha deal,Omega Alpha,won\n'
		);
		expect(deals.job).toMatchObject({ createdCount: 1 });
		const [deal] = await database.db
			.select()
			.from(tables.opportunities)
			.where(eq(tables.opportunities.name, 'Alpha deal'));
		expect(deal.partnerId).toBe(alpha.organisationId);

		// Partners are imported by the host only.
		await expect(
			createImport(database.db, alpha, {
				kind: 'partners',
				filename: 'p.csv',
				content: 'name\nX\n'
			})
		).rejects.toMatchObject({ code: 'IMPORT_KIND_FORBIDDEN' });
	});

	it('imports partners and updates them by name on a second run', async () => {
		const content =
			'Nom;Niveau;Identifiant externe\nGamma Réseaux;Or;P-1\nAlpha Conseil;platinum;\nRelais Host;gold;\n';
		const first = await importFile(admin, 'partners', content);
		expect(first.job).toMatchObject({ createdCount: 1, updatedCount: 1, rejectedCount: 1 });
		expect(first.job.errors).toEqual([
			{ line: 4, message: 'imports_error_name_taken', params: { value: 'Relais Host' } }
		]);
		const [gamma] = await database.db
			.select()
			.from(tables.organisations)
			.where(eq(tables.organisations.externalId, 'P-1'));
		expect(gamma).toMatchObject({ kind: 'partner', tier: 'gold', name: 'Gamma Réseaux' });
	});

	it('refuses to start without the required columns mapped', async () => {
		const actor = actorOf(admin);
		const { id } = await createImport(database.db, actor, {
			kind: 'contacts',
			filename: 'c.csv',
			content: 'foo,bar\n1,2\n'
		});
		await expect(startImport(database.db, actor, id)).rejects.toMatchObject({
			code: 'MISSING_FIELDS',
			params: { fields: 'name, account' }
		});
		// Another person cannot see or start it.
		expect(await getImport(database.db, actorOf(alphaAdmin), id)).toBeNull();
		await expect(startImport(database.db, actorOf(alphaAdmin), id)).rejects.toMatchObject({
			code: 'NOT_FOUND'
		});
	});

	it('keeps the first 1,000 per-line errors of a file with more bad lines and counts the rest', async () => {
		const actor = actorOf(admin);
		const lines = ['name,domain,external id'];
		// 1,235 nameless rows among 65 good ones: one error each.
		for (let i = 1; i <= 1_300; i++)
			lines.push(i % 20 === 0 ? `Errful ${i},,ERR-${i}` : `,,ERR-${i}`);
		const { id } = await createImport(database.db, actor, {
			kind: 'accounts',
			filename: 'errors.csv',
			content: lines.join('\n')
		});
		await startImport(database.db, actor, id);
		// Batches of 300: the list fills up in the middle of the fourth.
		await runImport(database.db, id, { batchSize: 300 });
		const job = (await getImport(database.db, actor, id))!;
		expect(job).toMatchObject({
			status: 'done',
			totalRows: 1_300,
			processedRows: 1_300,
			createdCount: 65,
			rejectedCount: 1_235,
			moreErrors: 1_235 - MAX_STORED_ERRORS
		});
		expect(job.errors).toHaveLength(MAX_STORED_ERRORS);
		expect(job.errors[0]).toEqual({ line: 2, message: 'imports_error_name_missing' });
		// The 1,000th error: row 1,052 (every 20th row is good), on line 1,053.
		expect(job.errors.at(-1)).toEqual({ line: 1_053, message: 'imports_error_name_missing' });
	});

	it('reads a Windows-1252 file by its first megabyte, and a UTF-8 one whose character straddles it', async () => {
		const actor = actorOf(admin);
		const filler = 'x'.repeat(1_000);
		/** Header, `first`, ASCII rows past the first megabyte, then `last`; in 999-byte pieces. */
		function file(first: Buffer, last: Buffer): AsyncIterable<Uint8Array> {
			const rows = [Buffer.from('Nom;Identifiant externe;Notes\r\n'), first];
			let size = rows[0].length + first.length;
			for (let i = 0; size < ENCODING_SAMPLE_BYTES + 300_000; i++) {
				const row = Buffer.from(`Ligne ${i};L-${i};${filler}\r\n`);
				rows.push(row);
				size += row.length;
			}
			rows.push(last);
			const whole = Buffer.concat(rows);
			return (async function* () {
				for (let at = 0; at < whole.length; at += 999) yield whole.subarray(at, at + 999);
			})();
		}
		const latin = (text: string) => Buffer.from(text, 'latin1');
		const { id } = await createImport(database.db, actor, {
			kind: 'accounts',
			filename: 'excel.csv',
			content: file(latin('Société Générale;W-1;\r\n'), latin('Zoë Crème;W-2;à la fin\r\n'))
		});
		const preview = await previewImport(database.db, actor, id);
		expect(preview?.rows[0].cells).toEqual(['Société Générale', 'W-1', '']);
		await startImport(database.db, actor, id);
		await runImport(database.db, id);
		const named = await database.db
			.select({ name: tables.accounts.name })
			.from(tables.accounts)
			.where(sql`${tables.accounts.externalId} in ('W-1', 'W-2')`)
			.orderBy(tables.accounts.externalId);
		expect(named.map((r) => r.name)).toEqual(['Société Générale', 'Zoë Crème']);

		// UTF-8 whose "é" is cut by the end of the first megabyte: still UTF-8, not Windows-1252.
		// Blank lines (skipped) fill the megabyte: one line that long is refused (MAX_RECORD_CHARS).
		const head = Buffer.from('Nom;Identifiant externe;Notes\r\n');
		const before = ENCODING_SAMPLE_BYTES - 1 - head.length - Buffer.byteLength('U-1;;');
		const blanks = Math.floor((before - 1_000) / 2);
		const straddling = Buffer.from(
			`${'\r\n'.repeat(blanks)}U-1;;${'y'.repeat(before - 2 * blanks)}é\r\nRené;U-2;\r\n`
		);
		const utf8 = Buffer.concat([head, straddling]);
		expect(utf8[ENCODING_SAMPLE_BYTES - 1]).toBe(0xc3);
		const second = await createImport(database.db, actor, {
			kind: 'accounts',
			filename: 'utf8.csv',
			content: utf8
		});
		await startImport(database.db, actor, second.id);
		await runImport(database.db, second.id);
		const [rene] = await database.db
			.select({ name: tables.accounts.name })
			.from(tables.accounts)
			.where(eq(tables.accounts.externalId, 'U-2'));
		expect(rene.name).toBe('René');
	});

	it('refuses a file with a 2 MB line or a quote never closed, naming the line, and keeps nothing of it', async () => {
		const actor = actorOf(admin);
		const head = 'name,domain\r\nAcme,acme.example\r\n';
		for (const [filename, content, line] of [
			['long-line.csv', `${head}Big,${'y'.repeat(2_000_000)}\r\nAfter,after.example\r\n`, 3],
			['open-quote.csv', `${head}Next,next.example\r\n"Open,${'z,\r\n'.repeat(700_000)}`, 4],
			['one-line.csv', 'name,'.repeat(400_000), 1]
		] as const) {
			await expect(
				createImport(database.db, actor, { kind: 'accounts', filename, content })
			).rejects.toMatchObject({ name: 'DomainError', code: 'LINE_TOO_LONG', params: { line } });
			const kept = await database.db
				.select({ id: tables.importJobs.id })
				.from(tables.importJobs)
				.where(eq(tables.importJobs.filename, filename));
			expect(kept, filename).toEqual([]);
		}
		const [{ orphans }] = await database.db
			.select({ orphans: sql<number>`count(*)::int` })
			.from(tables.importChunks)
			.where(
				sql`not exists (select 1 from import_jobs j where j.id = ${tables.importChunks.importId})`
			);
		expect(orphans).toBe(0);
	});

	it('purges uploads abandoned for more than a day through the job runner, chunks included, and keeps the rest', async () => {
		const actor = actorOf(admin);
		// About 600 KB: three stored chunks each.
		const content = `name,domain,notes\n${'Purge Co,purge.example,'.padEnd(600, 'p')}\n`.repeat(
			1_000
		);
		const make = async (status: 'uploading' | 'draft', ageMs: number) => {
			const { id } = await createImport(database.db, actor, {
				kind: 'accounts',
				filename: 'purge.csv',
				content
			});
			await database.db
				.update(tables.importJobs)
				.set({ status, createdAt: new Date(Date.now() - ageMs) })
				.where(eq(tables.importJobs.id, id));
			return id;
		};
		const hour = 3_600_000;
		const abandoned = [
			await make('uploading', STALE_UPLOAD_MS + hour),
			await make('uploading', 30 * 24 * hour)
		];
		const recent = await make('uploading', hour);
		const oldDraft = await make('draft', STALE_UPLOAD_MS + hour);
		const chunksOf = async (id: string) => {
			const [{ n }] = await database.db
				.select({ n: sql<number>`count(*)::int` })
				.from(tables.importChunks)
				.where(eq(tables.importChunks.importId, id));
			return n;
		};
		for (const id of [...abandoned, recent, oldDraft]) expect(await chunksOf(id)).toBe(3);

		await scheduleImportJobs(database.db);
		const runner = startJobRunner({
			db: database.db,
			log,
			handlers: importJobHandlers(),
			pollMs: 50
		});
		try {
			await expect
				.poll(async () => {
					const runs = await database.db
						.select({ doneAt: tables.jobs.doneAt })
						.from(tables.jobs)
						.where(eq(tables.jobs.kind, IMPORTS_PURGE_JOB));
					return runs.filter((run) => run.doneAt !== null).length;
				})
				.toBe(1);
		} finally {
			await runner.stop();
		}

		const left = (
			await database.db
				.select({ id: tables.importJobs.id })
				.from(tables.importJobs)
				.where(eq(tables.importJobs.filename, 'purge.csv'))
		).map((row) => row.id);
		expect(left.sort()).toEqual([recent, oldDraft].sort());
		for (const id of abandoned) expect(await chunksOf(id)).toBe(0);
		expect(await chunksOf(recent)).toBe(3);
		expect(await chunksOf(oldDraft)).toBe(3);

		// The next run waits an hour from now, and only one does.
		const waiting = await database.db
			.select({ runAt: tables.jobs.runAt })
			.from(tables.jobs)
			.where(and(eq(tables.jobs.kind, IMPORTS_PURGE_JOB), sql`${tables.jobs.doneAt} is null`));
		expect(waiting).toHaveLength(1);
		expect(waiting[0].runAt.getTime()).toBeGreaterThan(Date.now() + hour - 60_000);
	});

	it('imports 50,000 accounts through the job runner while the database keeps answering', async () => {
		const lines = ['name,domain,external id'];
		for (let i = 0; i < 50_000; i++) lines.push(`Bulk Company ${i},bulk${i}.example,BULK-${i}`);
		const actor = actorOf(admin);
		const { id } = await createImport(database.db, actor, {
			kind: 'accounts',
			filename: 'bulk.csv',
			content: lines.join('\n')
		});
		const runner = startJobRunner({
			db: database.db,
			log,
			handlers: importJobHandlers(),
			listen: (channel, cb) => database.listen(channel, cb),
			pollMs: 200
		});
		try {
			const started = Date.now();
			await startImport(database.db, actor, id);
			let slowest = 0;
			let probes = 0;
			for (;;) {
				const t0 = performance.now();
				const [job] = await database.db
					.select({ status: tables.importJobs.status })
					.from(tables.importJobs)
					.where(eq(tables.importJobs.id, id));
				slowest = Math.max(slowest, performance.now() - t0);
				probes++;
				if (job.status === 'done' || job.status === 'failed') break;
				await new Promise((resolve) => setTimeout(resolve, 100));
			}
			const job = await getImport(database.db, actor, id);
			expect(job).toMatchObject({
				status: 'done',
				processedRows: 50_000,
				createdCount: 50_000,
				rejectedCount: 0
			});
			expect(probes).toBeGreaterThan(5);
			expect(slowest).toBeLessThan(1000);
			const [{ n }] = await database.db
				.select({ n: sql<number>`count(*)::int` })
				.from(tables.accounts)
				.where(and(sql`${tables.accounts.externalId} like 'BULK-%'`));
			expect(n).toBe(50_000);
			console.info(
				`[${driver}] 50,000 accounts in ${Date.now() - started} ms; slowest probe ${Math.round(slowest)} ms over ${probes}`
			);
		} finally {
			await runner.stop();
		}
	}, 120_000);
});
