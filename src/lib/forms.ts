import type { SubmitFunction } from '@sveltejs/kit';

/**
 * The enhance callback of Relais forms: reports the pending state (to disable the button) and
 * keeps what the user typed when the server answers with errors.
 */
export function keepValues(onPending: (pending: boolean) => void): SubmitFunction {
	return () => {
		onPending(true);
		return async ({ update }) => {
			await update({ reset: false });
			onPending(false);
		};
	};
}
