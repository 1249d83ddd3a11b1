import { fail, redirect } from '@sveltejs/kit';
import { authorize, canImport, requireUser } from '$lib/server/access';
import { BODY_LIMITS } from '$lib/server/http/limits';
import { createImport, decodeCsv, ImportError } from '$lib/server/imports';
import { IMPORT_KINDS } from '$lib/shared/enums';
import type { MessageRef } from '$lib/shared/forms';
import { isImportKind } from '$lib/shared/imports';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	const kinds = IMPORT_KINDS.filter((kind) => canImport(user, kind));
	authorize(kinds.length > 0);
	// The page refuses a larger file before uploading it.
	return { kinds, maxBytes: BODY_LIMITS.import };
};

const failure = (
	values: Record<string, string>,
	fieldErrors: Record<string, MessageRef>,
	status = 400
) => fail(status, { message: { key: 'error_form' }, fieldErrors, values });

/** A file over the import limit (the body limit leaves room for the form around it). */
const tooLarge = (values: Record<string, string>) =>
	failure(
		values,
		{
			file: {
				key: 'imports_error_file_too_large',
				params: { megabytes: BODY_LIMITS.import / (1024 * 1024) }
			}
		},
		413
	);

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
		if (file.size > BODY_LIMITS.import) return tooLarge(values);
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
