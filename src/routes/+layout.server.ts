import { DEFAULT_TIME_ZONE } from '$lib/format';
import type { LayoutServerLoad } from './$types';

/** Every page: the reader's time zone, so the browser formats dates as the server did. */
export const load: LayoutServerLoad = ({ locals }) => ({
	viewer: { timeZone: locals.timeZone ?? DEFAULT_TIME_ZONE }
});
