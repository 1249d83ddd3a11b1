import { fail, redirect } from '@sveltejs/kit';
import { authorize, canImport, requireUser } from '$lib/server/access';
import { BODY_LIMITS, BodyTooLargeError } from '$lib/server/http/limits';
import {
	FileTooLargeError,
	MalformedFormError,
	readStreamedForm
} from '$lib/server/http/multipart';
import { DomainError } from '$lib/server/errors';
import { createImport, discardImport } from '$lib/server/imports';
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

const isCsvFile = (name: string, type: string) =>
	/\.(csv|txt)$/i.test(name) || /csv|text\/plain/.test(type);

export const actions: Actions = {
	// The file streams from the request to the database (readStreamedForm, createImport): the form
	// puts the kind before the file, so the import is known when its first bytes arrive.
	default: async ({ locals, request }) => {
		const user = requireUser(locals);
		let form;
		try {
			form = await readStreamedForm(request, {
				fileField: 'file',
				maxFileBytes: BODY_LIMITS.import,
				onFile: async (file, fields) => {
					const kind = fields.kind;
					if (!isImportKind(kind) || !file.filename || !isCsvFile(file.filename, file.mimeType))
						return null;
					return createImport(locals.runtime.db, user, {
						kind,
						filename: file.filename,
						content: file.bytes
					});
				}
			});
		} catch (error) {
			if (error instanceof BodyTooLargeError) return tooLarge({ kind: '' });
			if (!(error instanceof MalformedFormError)) throw error;
			return failure({ kind: '' }, { file: { key: 'imports_error_upload_broken' } });
		}
		if (form.refused) {
			// A field after the file was refused: the file it stored goes too.
			const stored = form.file?.result;
			if (stored?.status === 'fulfilled' && stored.value)
				await discardImport(locals.runtime.db, user, stored.value.id);
			return fail(400, form.refused);
		}
		const kind = form.fields.kind;
		const values = { kind: typeof kind === 'string' ? kind : '' };
		if (!isImportKind(kind)) return failure(values, { kind: { key: 'error_required' } });
		const file = form.file;
		if (!file || !file.part.filename) {
			return failure(values, { file: { key: 'imports_error_file_missing' } });
		}
		if (!isCsvFile(file.part.filename, file.part.mimeType)) {
			return failure(values, { file: { key: 'imports_error_file_type' } });
		}
		const result = file.result;
		if (result.status === 'rejected') {
			const error = result.reason;
			if (error instanceof FileTooLargeError) return tooLarge(values);
			if (!(error instanceof DomainError)) throw error;
			if (error.code === 'EMPTY_FILE' && !file.part.received()) {
				return failure(values, { file: { key: 'imports_error_file_missing' } });
			}
			// Beside its field: the kind (not theirs to import) or the file.
			return failure(values, { [error.field ?? 'file']: error.messageRef }, error.status);
		}
		if (!result.value) return failure(values, { file: { key: 'imports_error_file_missing' } });
		redirect(303, `/imports/${result.value.id}`);
	}
};
