import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { requestPasswordReset } from '../../src/lib/server/auth/password-reset.ts';
import {
	endSessions,
	revocationDelivered,
	SESSION_REVOKED
} from '../../src/lib/server/auth/revoke.ts';
import {
	createSession,
	generateToken,
	SESSION_COOKIE,
	validateSessionToken
} from '../../src/lib/server/auth/sessions.ts';
import { tables } from '../../src/lib/server/db/index.ts';
import { notify } from '../../src/lib/server/notifications/index.ts';
import { COLLAB_CLOSE_CODES } from '../../src/lib/shared/collab.ts';
import { GET as eventsRoute } from '../../src/routes/api/events/+server.ts';
import { actions as userActions } from '../../src/routes/(app)/admin/users/[id=id]/+page.server.ts';
import { actions as organisationActions } from '../../src/routes/(app)/admin/organisations/[id=id]/+page.server.ts';
import { POST as everywhereRoute } from '../../src/routes/(auth)/logout/everywhere/+server.ts';
import { POST as logoutRoute } from '../../src/routes/(auth)/logout/+server.ts';
import { actions as accountActions } from '../../src/routes/(app)/account/+page.server.ts';
import { actions as resetActions } from '../../src/routes/(auth)/reset-password/[token]/+page.server.ts';
import { openDocument, type OpenDocument } from '../support/collab.ts';
import { drivers } from '../support/db.ts';
import { createTestOrganisation, createTestUser, type TestUser } from '../support/factories.ts';
import { createTestPlan } from '../support/plans.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { readSse, type SseReader } from '../support/sse.ts';
import { docOf, storedState } from '../support/yjs.ts';

// Deactivating someone, or suspending their company, from the admin pages ends their live
// connections at once, and so does every other way a session ends (signing out, changing one's
// password, resetting it), end to end: a real HTTP server with the collaboration server on /collab
// and the live stream served by the real GET /api/events route (behind what handleAuth does with
// the cookie); the admin pages' own form actions make the change. The person's event stream ends
// and their collaboration socket closes with 4403 long before any heartbeat, a colleague's stay
// open, and the old cookie opens neither again.

type EventsEvent = Parameters<typeof eventsRoute>[0];

const REVOKED = COLLAB_CLOSE_CODES.accessRevoked;
const PASSWORD = 'correct horse battery';
// The stream re-checks its session every 25 s by itself: ending within this shows the revocation
// event did it.
const AT_ONCE = { timeout: 3_000, interval: 20 };

function cookieValue(header: string | undefined, name: string): string | undefined {
	for (const part of (header ?? '').split(';')) {
		const [key, ...value] = part.trim().split('=');
		if (key === name) return value.join('=');
	}
	return undefined;
}

describe.each(drivers())('revoking access ends live connections on %s', (driver) => {
	let server: TestServer;
	let admin: TestUser;
	const streams: SseReader[] = [];
	const documents: OpenDocument[] = [];

	/** GET /api/events as the app serves it: the session from the cookie, then the real route. */
	async function app(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', server.url);
		if (url.pathname !== '/api/events') {
			res.writeHead(404).end();
			return;
		}
		const token = cookieValue(req.headers.cookie, SESSION_COOKIE);
		const { session, user } = token
			? await validateSessionToken(server.runtime.db, token)
			: { session: null, user: null };
		const gone = new AbortController();
		res.on('close', () => gone.abort());
		const response = await eventsRoute({
			locals: { user, session, runtime: server.runtime },
			cookies: { get: (name: string) => (name === SESSION_COOKIE ? token : undefined) },
			request: new Request(url, { signal: gone.signal })
		} as unknown as EventsEvent);
		// setHeader, as SvelteKit does: the server recognises event streams by it.
		for (const [key, value] of response.headers) res.setHeader(key, value);
		res.writeHead(response.status);
		if (!response.body) return void res.end();
		Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>).pipe(res);
	}

	async function listen(person: TestUser): Promise<SseReader> {
		const response = await fetch(`${server.url}/api/events`, {
			headers: { cookie: person.cookie }
		});
		expect(response.status).toBe(200);
		const stream = readSse(response.body!);
		streams.push(stream);
		await expect.poll(() => stream.text(), AT_ONCE).toContain(': connected');
		return stream;
	}

	async function edit(person: TestUser, name: string): Promise<OpenDocument> {
		const document = openDocument({
			url: server.collabUrl,
			origin: server.origin,
			name,
			cookie: person.cookie
		});
		documents.push(document);
		expect(await document.outcome).toEqual({ status: 'authenticated' });
		return document;
	}

	/** A bystander's connections: the socket's edits still reach the server, the stream delivers. */
	async function stillLive(document: OpenDocument, stream: SseReader, person: TestUser) {
		expect(document.closeCodes).toEqual([]);
		document.doc.getText('body').insert(0, 'toujours là ');
		await expect.poll(() => document.provider.unsyncedChanges, AT_ONCE).toBe(0);
		await notify(server.runtime.db, { userIds: [person.user.id], kind: 'test' });
		await expect
			.poll(() => stream.messages.map((m) => m.type), AT_ONCE)
			.toContain('notification.created');
	}

	/** What the old cookie gets now: the live stream's status, and a new collaboration socket. */
	async function oldCookie(person: TestUser, name: string) {
		const response = await fetch(`${server.url}/api/events`, {
			headers: { cookie: person.cookie }
		});
		const body = (await response.json()) as { message?: unknown };
		const document = openDocument({
			url: server.collabUrl,
			origin: server.origin,
			name,
			cookie: person.cookie
		});
		documents.push(document);
		return { status: response.status, message: body.message, collab: await document.outcome };
	}

	/** A form post to an admin page's action, by the workspace admin, as SvelteKit hands it over. */
	async function adminAction<E>(
		action: (event: E) => unknown,
		path: string,
		id: string,
		form: Record<string, string>
	): Promise<unknown> {
		const { session, user } = await validateSessionToken(server.runtime.db, admin.token);
		const body = new FormData();
		for (const [key, value] of Object.entries(form)) body.set(key, value);
		return action({
			locals: { user, session, runtime: server.runtime },
			params: { id },
			url: new URL(path, server.url),
			request: new Request(new URL(path, server.url), { method: 'POST', body }),
			getClientAddress: () => '127.0.0.1'
		} as unknown as E);
	}

	/** Another device of the same person: a session and cookie of its own. */
	async function anotherSession(person: TestUser): Promise<TestUser> {
		const token = generateToken();
		const session = await createSession(server.runtime.db, token, person.user.id);
		return { ...person, token, session, cookie: `${SESSION_COOKIE}=${token}` };
	}

	/** A route or form action as SvelteKit calls it, with this session; a thrown redirect is returned. */
	async function asSession<E>(
		handler: (event: E) => unknown,
		person: TestUser,
		path: string,
		options: { form?: Record<string, string>; params?: Record<string, string> } = {}
	): Promise<unknown> {
		const { session, user } = await validateSessionToken(server.runtime.db, person.token);
		const url = new URL(path, server.url);
		let body: FormData | undefined;
		if (options.form) {
			body = new FormData();
			for (const [key, value] of Object.entries(options.form)) body.set(key, value);
		}
		return Promise.resolve()
			.then(() =>
				handler({
					locals: { user, session, runtime: server.runtime },
					params: options.params ?? {},
					url,
					request: new Request(url, { method: 'POST', body }),
					cookies: { delete: () => {}, set: () => {}, get: () => person.token },
					setHeaders: () => {},
					getClientAddress: () => '127.0.0.1'
				} as unknown as E)
			)
			.catch((thrown: unknown) => thrown);
	}

	/** The text of the document as the collaboration server last stored it. */
	async function storedText(name: string): Promise<string> {
		const state = await storedState(server.runtime.db, name);
		return state ? docOf(state).getText('body').toString() : '';
	}

	/** The person's connections on this session closed: socket 4403, stream ended with the reason. */
	async function ended(document: OpenDocument, stream: SseReader) {
		await expect.poll(() => document.closeCodes, AT_ONCE).toContain(REVOKED);
		await stream.ended;
		expect(stream.messages.at(-1)?.type).toBe('session.ended');
	}

	beforeAll(async () => {
		server = await startTestServer({
			driver,
			handler: (req, res) => void app(req, res),
			// Stores follow edits quickly, so what a store holds can be checked without waiting long.
			collabOptions: { storeDebounceMs: 50, storeMaxDebounceMs: 200 }
		});
		admin = await createTestUser(server.runtime.db, { role: 'admin' });
	});
	afterAll(async () => {
		for (const document of documents) document.destroy();
		await Promise.all(streams.map((stream) => stream.cancel()));
		await server?.stop();
	});

	it('deactivating a user on the admin page ends their event stream and collaboration socket at once', async () => {
		const leaver = await createTestUser(server.runtime.db, { role: 'rep' });
		const colleague = await createTestUser(server.runtime.db, { role: 'rep' });
		const plan = await createTestPlan(server.runtime.db, { ownerId: leaver.user.id });
		const other = await createTestPlan(server.runtime.db, { ownerId: colleague.user.id });
		const leaverStream = await listen(leaver);
		const colleagueStream = await listen(colleague);
		const leaverSocket = await edit(leaver, plan.shared);
		const colleagueSocket = await edit(colleague, other.shared);

		const result = await adminAction(
			userActions.deactivate,
			`/admin/users/${leaver.user.id}?/deactivate`,
			leaver.user.id,
			{}
		);
		expect(result).toMatchObject({ success: { key: 'admin_user_deactivated' } });

		await expect.poll(() => leaverSocket.closeCodes, AT_ONCE).toContain(REVOKED);
		await leaverStream.ended;
		// (Events published in the same transaction may arrive while the session is re-checked.)
		expect(leaverStream.messages.at(-1)?.type).toBe('session.ended');

		// The colleague's connections are untouched: the socket still edits, the stream still delivers.
		await stillLive(colleagueSocket, colleagueStream, colleague);

		// The old cookie opens nothing any more.
		expect(await oldCookie(leaver, plan.shared)).toEqual({
			status: 401,
			message: expect.any(String),
			collab: { status: 'denied', reason: 'session-invalid' }
		});
		expect(await validateSessionToken(server.runtime.db, leaver.token)).toEqual({
			session: null,
			user: null
		});
	});

	it('signing out everywhere ends the event streams and sockets of every session of the account', async () => {
		const person = await createTestUser(server.runtime.db, { role: 'rep' });
		const plan = await createTestPlan(server.runtime.db, { ownerId: person.user.id });
		const stream = await listen(person);
		const socket = await edit(person, plan.shared);

		const { session, user } = await validateSessionToken(server.runtime.db, person.token);
		// The route answers with SvelteKit's redirect, thrown.
		const answer = await Promise.resolve()
			.then(() =>
				everywhereRoute({
					locals: { user, session, runtime: server.runtime },
					cookies: { delete: () => {}, set: () => {}, get: () => person.token },
					url: new URL('/logout/everywhere', server.url),
					request: new Request(new URL('/logout/everywhere', server.url), { method: 'POST' })
				} as unknown as Parameters<typeof everywhereRoute>[0])
			)
			.catch((redirect: unknown) => redirect);
		expect(answer).toMatchObject({ status: 303, location: '/login?reason=signed-out' });

		await expect.poll(() => socket.closeCodes, AT_ONCE).toContain(REVOKED);
		await stream.ended;
		expect(stream.messages.at(-1)?.type).toBe('session.ended');
	});

	it('suspending a partner company on the admin page ends the live connections of its people at once', async () => {
		const partner = await createTestOrganisation(server.runtime.db);
		const partnerAdmin = await createTestUser(server.runtime.db, {
			role: 'partner_admin',
			organisation: partner
		});
		const partnerMember = await createTestUser(server.runtime.db, {
			role: 'partner_member',
			organisation: partner
		});
		const host = await createTestUser(server.runtime.db, { role: 'rep' });
		const plan = await createTestPlan(server.runtime.db, {
			ownerId: host.user.id,
			sharedWithId: partner.id
		});
		const streams = {
			partnerAdmin: await listen(partnerAdmin),
			partnerMember: await listen(partnerMember),
			host: await listen(host)
		};
		const sockets = {
			partnerAdmin: await edit(partnerAdmin, plan.shared),
			partnerMember: await edit(partnerMember, plan.shared),
			host: await edit(host, plan.shared)
		};

		const result = await adminAction(
			organisationActions.status,
			`/admin/organisations/${partner.id}?/status`,
			partner.id,
			{ status: 'suspended' }
		);
		expect(result).toMatchObject({ success: { key: 'admin_organisation_suspended' } });

		for (const who of ['partnerAdmin', 'partnerMember'] as const) {
			await expect.poll(() => sockets[who].closeCodes, AT_ONCE).toContain(REVOKED);
			await streams[who].ended;
			expect(streams[who].messages.at(-1)?.type).toBe('session.ended');
		}
		// The host person editing the same plan keeps going.
		await stillLive(sockets.host, streams.host, host);

		for (const person of [partnerAdmin, partnerMember]) {
			expect(await oldCookie(person, plan.shared)).toEqual({
				status: 401,
				message: expect.any(String),
				collab: { status: 'denied', reason: 'session-invalid' }
			});
		}
	});

	it('signing out ends that session’s socket and stream at once, stores nothing sent after, and leaves the other device', async () => {
		const person = await createTestUser(server.runtime.db, { role: 'rep' });
		const phone = await anotherSession(person);
		const plan = await createTestPlan(server.runtime.db, { ownerId: person.user.id });
		const stream = await listen(person);
		const socket = await edit(person, plan.shared);
		const phoneStream = await listen(phone);
		const phoneSocket = await edit(phone, plan.shared);

		const answer = await asSession(logoutRoute, person, '/logout');
		expect(answer).toMatchObject({ status: 303, location: '/login?reason=signed-out' });
		// Typed on the signed-out page right after: the server must not take it.
		socket.doc.getText('body').insert(0, 'après la déconnexion ');

		await ended(socket, stream);
		// The phone's session goes on: its edits are stored, its stream delivers.
		await stillLive(phoneSocket, phoneStream, phone);
		await expect.poll(() => storedText(plan.shared), AT_ONCE).toContain('toujours là');
		expect(await storedText(plan.shared)).not.toContain('après la déconnexion');
		expect(phoneSocket.doc.getText('body').toString()).not.toContain('après la déconnexion');

		expect(await oldCookie(person, plan.shared)).toEqual({
			status: 401,
			message: expect.any(String),
			collab: { status: 'denied', reason: 'session-invalid' }
		});
		const left = await server.runtime.db
			.select({ id: tables.sessions.id })
			.from(tables.sessions)
			.where(eq(tables.sessions.userId, person.user.id));
		expect(left).toEqual([{ id: phone.session.id }]);
	});

	it('changing one’s password ends the other sessions’ sockets and streams at once; this session’s stay open', async () => {
		const person = await createTestUser(server.runtime.db, { role: 'rep', password: PASSWORD });
		const laptop = await anotherSession(person);
		const plan = await createTestPlan(server.runtime.db, { ownerId: person.user.id });
		const stream = await listen(person);
		const socket = await edit(person, plan.shared);
		const laptopStream = await listen(laptop);
		const laptopSocket = await edit(laptop, plan.shared);

		const answer = await asSession(accountActions.password, person, '/account?/password', {
			form: { current: PASSWORD, password: 'un-autre-secret-2026', confirm: 'un-autre-secret-2026' }
		});
		expect(answer).toEqual({ passwordChanged: true });

		await ended(laptopSocket, laptopStream);
		// The page the change was made from keeps its session, its socket and its stream.
		await stillLive(socket, stream, person);
		expect((await validateSessionToken(server.runtime.db, person.token)).user?.id).toBe(
			person.user.id
		);
		expect((await oldCookie(laptop, plan.shared)).collab).toEqual({
			status: 'denied',
			reason: 'session-invalid'
		});
	});

	it('resetting a password through the mailed link ends the sockets and streams of every session at once', async () => {
		const person = await createTestUser(server.runtime.db, { role: 'rep' });
		const laptop = await anotherSession(person);
		const plan = await createTestPlan(server.runtime.db, { ownerId: person.user.id });
		const streams = [await listen(person), await listen(laptop)];
		const sockets = [await edit(person, plan.shared), await edit(laptop, plan.shared)];

		await requestPasswordReset(server.runtime.db, person.user.email, {
			origin: server.url,
			locale: 'en',
			mail: { smtpUrl: undefined },
			ip: '10.6.0.1'
		});
		const [mail] = await server.runtime.db
			.select()
			.from(tables.emailOutbox)
			.where(eq(tables.emailOutbox.toAddress, person.user.email));
		const token = /\/reset-password\/(\S+)/.exec(mail.bodyText)![1];
		const answer = await asSession(resetActions.default, person, `/reset-password/${token}`, {
			form: { password: 'un-secret-tout-neuf', confirm: 'un-secret-tout-neuf' },
			params: { token }
		});
		expect(answer).toMatchObject({ status: 303, location: '/login?reason=reset' });

		for (const i of [0, 1]) await ended(sockets[i], streams[i]);
		const left = await server.runtime.db
			.select()
			.from(tables.sessions)
			.where(eq(tables.sessions.userId, person.user.id));
		expect(left).toEqual([]);
	});

	it('answers only once its own session.revoked has arrived, not on another revocation of the same person', async () => {
		const person = await createTestUser(server.runtime.db, { role: 'rep' });
		const phone = await anotherSession(person);
		const { bus, db } = server.runtime;
		const order: string[] = [];
		const unsubscribe = bus.subscribe((event) => {
			const ids = event.data.sessionIds as string[] | undefined;
			if (event.type === SESSION_REVOKED && ids?.includes(phone.session.id))
				order.push('own event');
		});
		try {
			await revocationDelivered(bus, async (mark) => {
				// Another device of the same person signs out meanwhile; its event arrives now.
				await revocationDelivered(bus, async (other) => {
					await endSessions(db, {
						userId: person.user.id,
						sessionId: person.session.id,
						mark: other
					});
					return person.user.id;
				});
				// This work's own event reaches the process after the work is over, as a NOTIFY
				// may arrive after the answer to its COMMIT.
				void new Promise((resolve) => setImmediate(resolve)).then(() =>
					endSessions(db, { userId: person.user.id, sessionId: phone.session.id, mark })
				);
				return person.user.id;
			});
			order.push('answered');
		} finally {
			unsubscribe();
		}
		expect(order).toEqual(['own event', 'answered']);
	});
});
