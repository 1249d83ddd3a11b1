import { fail, redirect } from '@sveltejs/kit';
import { authorize, canImport, requireUser } from '$lib/server/access';
import { createImport, decodeCsv, ImportError } from '$lib/server/imports';
import { IMPORT_KINDS } from '$lib/shared/enums';
import type { MessageRef } from '$lib/shared/forms';
import { isImportKind } from '$lib/shared/imports';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	const kinds = IMPORT_KINDS.filter((kind) => canImport(user, kind));
	authorize(kinds.length > 0);
	return { kinds };
};

const failure = (values: Record<string, string>, fieldErrors: Record<string, MessageRef>) =>
	fail(400, { message: { key: 'error_form' }, fieldErrors, values });

export const actions: Actions = {
	default: async ({ locals, request }) => {
		const user = requireUser(locals);
		const formData = await request.formData();
		const kind = formData.get('kind');
		const file = formData.get('file');
		const values = { kind: typeof kind === 'string' ? kind : '' };
		if (!isImportKind(kind)) return failure(values, { kind: { key: 'error_required' } });
		if (!(file instanceof File) || file.size === 0) {
			return failure(values, { file: { key: 'imports_error_file_missing' } });
		}
		if (!/\.(csv|txt)$/i.test(file.name) && !/csv|text\/plain/.test(file.type)) {
			return failure(values, { file: { key: 'imports_error_file_type' } });
		}
		let id: string;
		try {
			const content = decodeCsv(new Uint8Array(await file.arrayBuffer()));
			({ id } = await createImport(locals.runtime.db, user, {
				kind,
				filename: file.name,
				content
			}));
		} catch (error) {
			if (!(error instanceof ImportError)) throw error;
			const message = { key: `imports_refused_${error.code.toLowerCase()}` };
			return error.code === 'FORBIDDEN'
				? failure(values, { kind: message })
				: failure(values, { file: message });
		}
		redirect(303, `/imports/${id}`);
	}
};
