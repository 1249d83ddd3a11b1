import { applyAction } from '$app/forms';
import type { SubmitFunction } from '@sveltejs/kit';
import type { MessageRef } from '$lib/shared/forms';

// The enhance callback of the feed's small forms (react, comment, edit, pin…): they never reload
// the whole page (that would drop the posts loaded with "load more"); the form's own component
// shows the refusal next to its field and refreshes the post it touched.

export type FeedFailureData = {
	message?: MessageRef;
	fieldErrors?: Record<string, MessageRef>;
};

export function feedSubmit(handlers: {
	pending?: (pending: boolean) => void;
	success?: (data: Record<string, unknown>) => void | Promise<void>;
	failure?: (data: FeedFailureData) => void;
}): SubmitFunction {
	return () => {
		handlers.pending?.(true);
		return async ({ result }) => {
			try {
				if (result.type === 'success') await handlers.success?.(result.data ?? {});
				else if (result.type === 'failure')
					handlers.failure?.((result.data ?? {}) as FeedFailureData);
				else await applyAction(result);
			} finally {
				handlers.pending?.(false);
			}
		};
	};
}
