import { error, fail, redirect } from '@sveltejs/kit';
import { requireUser } from '$lib/server/access';
import {
	discardImport,
	getImport,
	MAX_STORED_ERRORS,
	previewImport,
	PREVIEW_ROWS,
	startImport,
	updateImportMapping
} from '$lib/server/imports';
import { DomainError } from '$lib/server/errors';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const user = requireUser(locals, url);
	const db = locals.runtime.db;
	const job = await getImport(db, user, params.id);
	if (!job) error(404, { message: 'This import does not exist.', code: 'NOT_FOUND' });
	const preview = job.status === 'draft' ? await previewImport(db, user, params.id) : null;
	return {
		job,
		preview: preview && {
			...preview,
			fields: preview.fields.map((f) => ({ key: f.key, required: f.required }))
		},
		previewRows: PREVIEW_ROWS,
		maxErrors: MAX_STORED_ERRORS
	};
};

/**
 * A refusal of the import module as the page shows it: its status and message (DOMAIN_ERRORS),
 * and for MISSING_FIELDS the fields the page names (its message's `fields`, keys joined by ', ').
 */
function refused(e: unknown) {
	if (!(e instanceof DomainError)) throw e;
	if (e.code === 'NOT_FOUND')
		error(404, { message: 'This import does not exist.', code: 'NOT_FOUND' });
	const fields = e.params?.fields;
	return fail(e.status, {
		message: e.messageRef,
		missing: fields ? String(fields).split(', ') : [],
		saved: false
	});
}

export const actions: Actions = {
	map: async ({ locals, request, params }) => {
		const user = requireUser(locals);
		const formData = await request.formData();
		const raw: Record<string, unknown> = {};
		for (const [key, value] of formData) {
			if (key.startsWith('map_') && typeof value === 'string') raw[key.slice(4)] = value;
		}
		try {
			await updateImportMapping(locals.runtime.db, user, params.id, raw);
		} catch (e) {
			return refused(e);
		}
		return { saved: true, message: null, missing: [] as string[] };
	},
	start: async ({ locals, params }) => {
		const user = requireUser(locals);
		try {
			await startImport(locals.runtime.db, user, params.id);
		} catch (e) {
			return refused(e);
		}
		redirect(303, `/imports/${params.id}`);
	},
	discard: async ({ locals, params }) => {
		const user = requireUser(locals);
		try {
			await discardImport(locals.runtime.db, user, params.id);
		} catch (e) {
			return refused(e);
		}
		redirect(303, '/imports');
	}
};
