import { isHttpError, type ActionFailure } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { m } from '../../src/lib/paraglide/messages.js';
import { paraglideMiddleware } from '../../src/lib/paraglide/server.js';
import { DOMAIN_ERRORS, DomainError, type DomainErrorCode } from '../../src/lib/server/errors.ts';
import {
	errorPage,
	formFailure,
	jsonEndpoint,
	jsonRefusal,
	runAction,
	runLoad,
	type EdgeFailure
} from '../../src/lib/server/http/edge.ts';
import * as feedPosts from '../../src/routes/api/feed/posts/+server.ts';
import * as notifications from '../../src/routes/api/notifications/+server.ts';
import * as planComments from '../../src/routes/api/plans/[id=id]/comments/+server.ts';
import * as planVersions from '../../src/routes/api/plans/[id=id]/versions/+server.ts';

// The one edge (src/lib/server/http/edge.ts): every domain error code answered the same way as a
// form failure, an error page and a JSON answer, in the reader's language.

type Locale = 'en' | 'fr';
const LOCALES: Locale[] = ['en', 'fr'];
const CODES = Object.keys(DOMAIN_ERRORS) as DomainErrorCode[];
type MessageFn = (params: object, options: { locale: Locale }) => string;
const messages = m as unknown as Record<string, MessageFn | undefined>;

const sentence = (key: string, locale: Locale) => messages[key]!({}, { locale });
async function inLocale<T>(locale: Locale, work: () => T | Promise<T>): Promise<T> {
	let result: T | undefined;
	await paraglideMiddleware(
		new Request('http://relais.test/', { headers: { cookie: `PARAGLIDE_LOCALE=${locale}` } }),
		async () => {
			result = await work();
			return new Response();
		}
	);
	return result as T;
}

function typed(): FormData {
	const formData = new FormData();
	formData.set('name', 'What was typed');
	formData.append('partnerIds', 'a');
	formData.append('partnerIds', 'b');
	formData.set('password', 'never sent back');
	return formData;
}

function caught(work: () => unknown): unknown {
	try {
		work();
	} catch (cause) {
		return cause;
	}
	throw new Error('nothing was thrown');
}

describe('the domain error table', () => {
	it('names a message that exists in English and in French for every code', () => {
		for (const code of CODES) {
			const { key } = DOMAIN_ERRORS[code];
			for (const locale of LOCALES) {
				expect(messages[key], `${code}: ${key}`).toBeTypeOf('function');
				expect(sentence(key, locale), `${code} ${locale}`).not.toBe(key);
			}
			expect(sentence(key, 'fr'), code).not.toBe(sentence(key, 'en'));
		}
	});
});

describe('the refusals of signing in, links and imports', () => {
	// Folded into the one type from AuthError and ImportError: the same statuses and messages as
	// the pages answered them with before.
	const expected: Record<string, { status: number; en: string; fr: string; field?: string }> = {
		INVALID_CREDENTIALS: {
			status: 400,
			en: 'This e-mail and password do not match an active account.',
			fr: 'Cette adresse e-mail et ce mot de passe ne correspondent à aucun compte actif.'
		},
		RATE_LIMITED: {
			status: 429,
			en: 'Too many attempts. For your security, wait 2 min before trying again.',
			fr: 'Trop de tentatives. Par sécurité, attendez 2 min avant de réessayer.'
		},
		BUSY: {
			status: 429,
			en: 'Too many passwords are being checked right now. Try again in a few seconds.',
			fr: 'Trop de mots de passe sont en cours de vérification. Réessayez dans quelques secondes.'
		},
		TOKEN_INVALID: {
			status: 404,
			en: 'This link is not valid. Check that you copied it whole, or ask for a new one.',
			fr: 'Ce lien n’est pas valide. Vérifiez qu’il a été copié en entier, ou demandez-en un nouveau.'
		},
		TOKEN_EXPIRED: {
			status: 410,
			en: 'This link has expired. Ask for a new one.',
			fr: 'Ce lien a expiré. Demandez-en un nouveau.'
		},
		TOKEN_USED: {
			status: 410,
			en: 'This link has already been used. Ask for a new one if you need it.',
			fr: 'Ce lien a déjà servi. Demandez-en un nouveau si besoin.'
		},
		INVITATION_REVOKED: {
			status: 410,
			en: 'This invitation was withdrawn. Ask the person who invited you for a new one.',
			fr: 'Cette invitation a été retirée. Demandez-en une nouvelle à la personne qui vous a invité.'
		},
		INVITATION_EMAIL_TAKEN: {
			status: 400,
			en: 'An account already uses this e-mail. Sign in instead, or reset your password.',
			fr: 'Un compte utilise déjà cette adresse. Connectez-vous, ou réinitialisez votre mot de passe.'
		},
		WRONG_PASSWORD: {
			status: 400,
			field: 'current',
			en: 'The current password is not correct.',
			fr: 'Le mot de passe actuel n’est pas correct.'
		},
		IMPORT_KIND_FORBIDDEN: {
			status: 400,
			field: 'kind',
			en: 'You cannot import this kind of data.',
			fr: 'Vous ne pouvez pas importer ce type de données.'
		},
		EMPTY_FILE: {
			status: 400,
			field: 'file',
			en: 'This file is empty.',
			fr: 'Ce fichier est vide.'
		},
		NO_ROWS: {
			status: 400,
			field: 'file',
			en: 'This file has column names but no rows.',
			fr: 'Ce fichier contient le nom des colonnes mais aucune ligne.'
		},
		TOO_MANY_ROWS: {
			status: 400,
			field: 'file',
			en: 'This file has too many rows: split it into files of at most 200,000 rows.',
			fr: 'Ce fichier contient trop de lignes : découpez-le en fichiers de 200 000 lignes au plus.'
		},
		LINE_TOO_LONG: {
			status: 400,
			field: 'file',
			en: 'Line 7 holds more than a million characters (a line end missing, or a quote never closed): Relais cannot read this file.',
			fr: 'La ligne 7 contient plus d’un million de caractères (une fin de ligne manque, ou un guillemet n’est jamais fermé) : Relais ne peut pas lire ce fichier.'
		},
		NOT_DRAFT: {
			status: 400,
			en: 'This import has already started.',
			fr: 'Cet import a déjà commencé.'
		},
		MISSING_FIELDS: {
			status: 400,
			en: 'Choose a column for every required field: name, account.',
			fr: 'Choisissez une colonne pour chaque champ obligatoire : name, account.'
		}
	};
	const params: Partial<Record<string, Record<string, string | number>>> = {
		RATE_LIMITED: { minutes: 2 },
		LINE_TOO_LONG: { line: 7 },
		MISSING_FIELDS: { fields: 'name, account' }
	};

	it('has each code with its status, field and message in English and in French', async () => {
		for (const [name, want] of Object.entries(expected)) {
			const code = name as DomainErrorCode;
			const cause = new DomainError(code, { params: params[code] });
			expect(cause.status, code).toBe(want.status);
			expect(cause.field, code).toBe(want.field);
			for (const locale of LOCALES) {
				const page = await inLocale(locale, () => caught(() => errorPage(cause)));
				expect(isHttpError(page) && page.status, code).toBe(want.status);
				expect(isHttpError(page) && page.body, `${code} ${locale}`).toEqual({
					message: want[locale],
					code
				});
			}
		}
	});

	it('keeps when to try again', () => {
		expect(new DomainError('RATE_LIMITED', { retryAfterSeconds: 90 }).retryAfterSeconds).toBe(90);
		expect(new DomainError('BUSY').retryAfterSeconds).toBeUndefined();
	});
});

describe('a refusal in a form action', () => {
	it('is the form again with its status, message, field and what was typed (secrets left out)', () => {
		for (const code of CODES) {
			if (code === 'NOT_FOUND' || code === 'STALE') continue;
			const failure = formFailure(new DomainError(code), typed(), { action: 'save', id: 'x' });
			const { status, key, field } = DOMAIN_ERRORS[code] as {
				status: number;
				key: string;
				field?: string;
			};
			expect(failure.status, code).toBe(status);
			expect(failure.data.message, code).toEqual({ key, params: undefined });
			expect(failure.data.fieldErrors, code).toEqual(field ? { [field]: { key } } : {});
			expect(failure.data.values, code).toEqual({ name: 'What was typed', partnerIds: 'a,b' });
			expect(failure.data, code).toMatchObject({ action: 'save', id: 'x', code });
		}
	});

	it('answers FORBIDDEN as a 403 form failure, not an error page (nothing typed is lost)', async () => {
		const result = await runAction(typed(), { action: 'save' }, () =>
			Promise.reject(new DomainError('FORBIDDEN'))
		);
		expect(result.ok).toBe(false);
		const failure = (result as { failure: ActionFailure<EdgeFailure> }).failure;
		expect(failure.status).toBe(403);
		expect(failure.data.message.key).toBe('error_forbidden');
		expect(failure.data.values.name).toBe('What was typed');
	});

	it('answers NOT_FOUND, and a stale edit of a record that is gone, with the 404 page', async () => {
		for (const cause of [new DomainError('NOT_FOUND'), new DomainError('STALE')]) {
			const thrown = await runAction(typed(), { action: 'save' }, () =>
				Promise.reject(cause)
			).catch((error: unknown) => error);
			expect(isHttpError(thrown) && thrown.status).toBe(404);
		}
	});

	it('keeps the record as saved now with a stale edit, and the existing plan with a duplicate', () => {
		const stale = formFailure(
			new DomainError('STALE', { current: { name: 'Theirs', version: 3 } }),
			typed(),
			{ action: 'update' }
		);
		expect(stale.status).toBe(409);
		expect(stale.data.conflict).toEqual({ theirs: { name: 'Theirs', version: 3 }, version: 3 });
		const duplicate = formFailure(
			new DomainError('ALREADY_EXISTS', { existingId: 'p1' }),
			typed(),
			{
				action: 'create'
			}
		);
		expect(duplicate.data.existingPlanId).toBe('p1');
	});

	it('puts the message beside the field the command names', () => {
		const failure = formFailure(new DomainError('EMPTY', { field: 'body' }), typed(), {
			action: 'post'
		});
		expect(failure.data.fieldErrors).toEqual({ body: { key: 'feed_error_empty' } });
	});

	it('lets anything that is not a refusal through', async () => {
		const boom = new Error('boom');
		await expect(runAction(typed(), { action: 'x' }, () => Promise.reject(boom))).rejects.toBe(
			boom
		);
		await expect(runLoad(() => Promise.reject(boom))).rejects.toBe(boom);
	});
});

describe('a refusal in a load', () => {
	it('is the error page of its status, with the message in the reader’s language', async () => {
		for (const locale of LOCALES) {
			for (const code of CODES) {
				const thrown = await inLocale(locale, () => caught(() => errorPage(new DomainError(code))));
				expect(isHttpError(thrown), code).toBe(true);
				if (!isHttpError(thrown)) continue;
				expect(thrown.status, code).toBe(DOMAIN_ERRORS[code].status);
				expect(thrown.body, code).toEqual({
					message: sentence(DOMAIN_ERRORS[code].key, locale),
					code
				});
			}
		}
		const page = await inLocale('fr', () =>
			runLoad(() => Promise.reject(new DomainError('FORBIDDEN'))).catch((error: unknown) => error)
		);
		expect(isHttpError(page) && page.status).toBe(403);
	});
});

describe('a refusal in a JSON endpoint', () => {
	it('is { message, code, field } with its status, the message in the reader’s language', async () => {
		for (const locale of LOCALES) {
			for (const code of CODES) {
				const response = await inLocale(locale, () => jsonRefusal(new DomainError(code)));
				expect(response.status, code).toBe(DOMAIN_ERRORS[code].status);
				const body = (await response.json()) as Record<string, unknown>;
				expect(body.message, `${code} ${locale}`).toBe(sentence(DOMAIN_ERRORS[code].key, locale));
				expect(body.code).toBe(code);
			}
		}
	});

	it('answers FORBIDDEN with 403 { message } from a handler', async () => {
		const endpoint = jsonEndpoint({}, () => {
			throw new DomainError('FORBIDDEN');
		});
		const response = await inLocale('fr', () => endpoint(event(new Request(URL_), someone)));
		expect(response.status).toBe(403);
		expect(await response.json()).toMatchObject({ message: sentence('error_forbidden', 'fr') });
	});
});

// ── the JSON plumbing ────────────────────────────────────────────────────────────────────────────

const URL_ = 'http://relais.test/api/thing';
const someone = { id: crypto.randomUUID(), role: 'admin' } as unknown as App.Locals['user'];

function event(request: Request, user: App.Locals['user'], params: Record<string, string> = {}) {
	return {
		request,
		url: new URL(request.url),
		params,
		locals: { user, runtime: {} },
		route: { id: '/api/thing' }
	} as never;
}

/** A JSON POST whose body records whether anyone started reading it. */
function watchedPost(text: string, headers: Record<string, string> = {}) {
	let read = false;
	const bytes = new TextEncoder().encode(text);
	const body = new ReadableStream<Uint8Array>(
		{
			pull(controller) {
				read = true;
				controller.enqueue(bytes);
				controller.close();
			}
			// Nothing is pulled until someone reads.
		},
		{ highWaterMark: 0 }
	);
	const request = new Request(URL_, {
		method: 'POST',
		body,
		duplex: 'half',
		headers: { 'content-type': 'application/json', ...headers }
	} as RequestInit);
	return { request, wasRead: () => read || request.bodyUsed };
}

describe('jsonEndpoint', () => {
	const endpoint = jsonEndpoint({ body: z.object({ name: z.string().min(1) }) }, ({ body }) =>
		Response.json({ hello: body.name })
	);

	it('refuses a request without a session with 401, before reading its body', async () => {
		const bodies = [
			'{ not json', // would be a 400
			JSON.stringify({ name: 'x'.repeat(2_000_000) }) // a large one
		];
		for (const text of bodies) {
			for (const locale of LOCALES) {
				const post = watchedPost(text, { 'content-length': String(text.length) });
				const response = await inLocale(locale, () => endpoint(event(post.request, null)));
				expect(response.status).toBe(401);
				expect(await response.json()).toMatchObject({
					message: sentence('error_sign_in_first', locale),
					code: 'UNAUTHENTICATED'
				});
				expect(post.wasRead()).toBe(false);
			}
		}
	});

	it('reads the body of a signed-in request: 415, 400 (syntax, schema), then the handler', async () => {
		const call = (request: Request) => inLocale('fr', () => endpoint(event(request, someone)));
		const text = await call(new Request(URL_, { method: 'POST', body: '{}' }));
		expect(text.status).toBe(415);
		expect((await text.json()).message).toBe(sentence('error_json_content_type', 'fr'));
		const broken = await call(watchedPost('{').request);
		expect(broken.status).toBe(400);
		expect((await broken.json()).message).toBe(sentence('error_json_syntax', 'fr'));
		const refused = await call(watchedPost('{"name":""}').request);
		expect(refused.status).toBe(400);
		expect(await refused.json()).toMatchObject({ field: 'name', code: 'INVALID' });
		const served = await call(watchedPost('{"name":"Ada"}').request);
		expect(await served.json()).toEqual({ hello: 'Ada' });
	});

	it('gives a body refused by a check naming a domain message that domain code', async () => {
		const named = jsonEndpoint(
			{ body: z.object({ body: z.string().min(1, 'feed_error_empty') }) },
			() => Response.json({})
		);
		const response = await inLocale('en', () =>
			named(event(watchedPost('{"body":""}').request, someone))
		);
		expect(response.status).toBe(400);
		expect(await response.json()).toEqual({
			message: sentence('feed_error_empty', 'en'),
			code: 'EMPTY',
			field: 'body',
			key: 'feed_error_empty'
		});
	});
});

describe('the JSON endpoints speak the reader’s language', () => {
	const planId = crypto.randomUUID();
	const endpoints: {
		name: string;
		post: unknown;
		params: Record<string, string>;
		hint: string;
	}[] = [
		{ name: 'feed posts', post: feedPosts.POST, params: {}, hint: 'feed_error_empty' },
		{ name: 'notifications', post: notifications.POST, params: {}, hint: 'notifications_api_hint' },
		{
			name: 'plan versions',
			post: planVersions.POST,
			params: { id: planId },
			hint: 'planHistory_api_name_hint'
		},
		{
			name: 'plan comments',
			post: planComments.POST,
			params: { id: planId },
			hint: 'planHistory_api_thread_hint'
		}
	];

	// The feed names no hint: the schema's own message for the body (an empty post).
	const refusedBody = JSON.stringify({ channelId: crypto.randomUUID(), body: '' });

	it('answers 401 and a refused body in French and in English on each of the four', async () => {
		for (const { name, post, params, hint } of endpoints) {
			for (const locale of LOCALES) {
				const handler = post as unknown as (event: never) => Promise<Response>;
				const anonymous = await inLocale(locale, () =>
					handler(event(watchedPost('{}').request, null, params))
				);
				expect(anonymous.status, name).toBe(401);
				expect((await anonymous.json()).message, name).toBe(
					sentence('error_sign_in_first', locale)
				);
				const refused = await inLocale(locale, () =>
					handler(event(watchedPost(refusedBody).request, someone, params))
				);
				expect(refused.status, name).toBe(400);
				const message = ((await refused.json()) as { message: string }).message;
				expect(message, `${name} ${locale}`).toBe(sentence(hint, locale));
			}
		}
	});
});
