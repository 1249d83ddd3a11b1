import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { revokeUserAccess } from '../../src/lib/server/auth/revoke.ts';
import { openDocument, type OpenDocument } from '../support/collab.ts';
import { drivers } from '../support/db.ts';
import { createTestUser, deactivateTestUser } from '../support/factories.ts';
import { createTestPlan } from '../support/plans.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// The server itself: upgrades, sessions, revocation, shutdown. What plans add (access per plan,
// persistence, saved messages, restore, presence, Redis) is in collab-plans*.test.ts.

/** The HTTP status a raw WebSocket upgrade gets, or 101 when it opens. */
function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(url, { headers });
		ws.on('open', () => {
			ws.close();
			resolve(101);
		});
		ws.on('unexpected-response', (_req, res) => {
			resolve(res.statusCode ?? 0);
			ws.terminate();
		});
		ws.on('error', reject);
	});
}

describe.each(drivers())('the collaboration server on %s', (driver) => {
	let server: TestServer;
	const open: OpenDocument[] = [];
	const connect = (options: { name: string; cookie?: string; origin?: string }) => {
		const document = openDocument({ url: server.collabUrl, origin: server.origin, ...options });
		open.push(document);
		return document;
	};

	/** A plan's shared document, owned by a new host rep unless an owner is given. */
	const planDocument = async (ownerId?: string, sharedWithId?: string) => {
		const owner = ownerId ?? (await createTestUser(server.runtime.db, { role: 'rep' })).user.id;
		return (await createTestPlan(server.runtime.db, { ownerId: owner, sharedWithId })).shared;
	};

	beforeAll(async () => {
		server = await startTestServer({ driver });
	});
	afterAll(async () => {
		for (const document of open) document.destroy();
		await server?.stop();
	});

	it('refuses a connection without a session cookie', async () => {
		const document = connect({ name: await planDocument() });
		expect(await document.outcome).toEqual({ status: 'denied', reason: 'session-required' });
	});

	it('refuses a connection with a tampered session cookie', async () => {
		const { token, user } = await createTestUser(server.runtime.db, { role: 'rep' });
		const tampered = token.slice(0, -1) + (token.endsWith('a') ? 'b' : 'a');
		const name = await planDocument(user.id);
		const document = connect({ name, cookie: `relais_session=${tampered}` });
		expect(await document.outcome).toEqual({ status: 'denied', reason: 'session-invalid' });
	});

	it('refuses a deactivated user whose session still exists', async () => {
		const { user, cookie } = await createTestUser(server.runtime.db, { role: 'rep' });
		const name = await planDocument(user.id);
		await deactivateTestUser(server.runtime.db, user.id);
		const document = connect({ name, cookie });
		expect(await document.outcome).toEqual({ status: 'denied', reason: 'session-invalid' });
	});

	it('refuses a document that is not an existing plan, even to an admin', async () => {
		const { cookie } = await createTestUser(server.runtime.db, { role: 'admin' });
		const existing = await planDocument();
		for (const name of [
			`plan.${crypto.randomUUID()}`,
			`plan.${crypto.randomUUID()}.internal`,
			`${existing}.other`,
			existing.toUpperCase(),
			`sandbox.${crypto.randomUUID()}`,
			'anything'
		]) {
			const document = connect({ name, cookie });
			expect(await document.outcome).toEqual({ status: 'denied', reason: 'document-forbidden' });
		}
	});

	it('refuses an upgrade from another site, or without an Origin', async () => {
		const { cookie } = await createTestUser(server.runtime.db, { role: 'rep' });
		expect(await upgradeStatus(server.collabUrl, { cookie, origin: 'https://evil.test' })).toBe(
			403
		);
		expect(await upgradeStatus(server.collabUrl, { cookie })).toBe(403);
		expect(await upgradeStatus(server.collabUrl, { cookie, origin: server.origin })).toBe(101);
	});

	it('refuses WebSocket upgrades on other paths', async () => {
		const other = server.collabUrl.replace('/collab', '/elsewhere');
		expect(await upgradeStatus(other, { origin: server.origin })).toBe(404);
	});

	it('lets two people who may edit a plan edit it together and converge', async () => {
		const host = await createTestUser(server.runtime.db, { role: 'manager' });
		const partner = await createTestUser(server.runtime.db, { role: 'partner_member' });
		const name = await planDocument(host.user.id, partner.organisation.id);
		const a = connect({ name, cookie: host.cookie });
		const b = connect({ name, cookie: partner.cookie });
		expect(await a.outcome).toEqual({ status: 'authenticated' });
		expect(await b.outcome).toEqual({ status: 'authenticated' });

		a.doc.getText('body').insert(0, 'Bonjour');
		b.doc.getMap('meta').set('title', 'Plan 2026');
		await expect.poll(() => b.doc.getText('body').toString()).toBe('Bonjour');
		await expect.poll(() => a.doc.getMap('meta').get('title')).toBe('Plan 2026');

		a.doc.getText('body').insert(7, ' à tous');
		b.doc.getText('body').insert(0, '» ');
		await expect
			.poll(() => Y.encodeStateVector(a.doc).join() === Y.encodeStateVector(b.doc).join())
			.toBe(true);
		expect(a.doc.getText('body').toString()).toBe(b.doc.getText('body').toString());
		expect(a.doc.getText('body').toString()).toBe('» Bonjour à tous');
	});

	it('closes the live connections of a user whose access is revoked', async () => {
		const keeper = await createTestUser(server.runtime.db, { role: 'rep' });
		const leaver = await createTestUser(server.runtime.db, { role: 'partner_admin' });
		const name = await planDocument(keeper.user.id, leaver.organisation.id);
		const kept = connect({ name, cookie: keeper.cookie });
		const revoked = connect({ name, cookie: leaver.cookie });
		expect(await kept.outcome).toEqual({ status: 'authenticated' });
		expect(await revoked.outcome).toEqual({ status: 'authenticated' });

		// What the admin pages do on deactivation: end the sessions and publish session.revoked.
		await server.runtime.db.transaction(async (tx) => {
			await deactivateTestUser(tx, leaver.user.id);
			await revokeUserAccess(tx, leaver.user.id);
		});
		await expect.poll(() => revoked.closeCodes, { timeout: 5_000 }).toContain(4403);
		expect(kept.closeCodes).toEqual([]);

		// Nothing the revoked person types reaches the document any more.
		revoked.doc.getText('body').insert(0, 'après révocation');
		kept.doc.getText('body').insert(0, 'still here');
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(kept.doc.getText('body').toString()).toBe('still here');
	});

	it('closes every socket with "going away" when the server stops', async () => {
		const extra = await startTestServer({ driver });
		const { cookie, user } = await createTestUser(extra.runtime.db, { role: 'rep' });
		const { shared } = await createTestPlan(extra.runtime.db, { ownerId: user.id });
		const document = openDocument({
			url: extra.collabUrl,
			origin: extra.origin,
			name: shared,
			cookie
		});
		open.push(document);
		expect(await document.outcome).toEqual({ status: 'authenticated' });
		await extra.stop();
		await expect.poll(() => document.closeCodes).toContain(1001);
		expect(extra.collab?.socketCount()).toBe(0);
	});
});
