import type { ParamMatcher } from '@sveltejs/kit';
import { isId } from '$lib/shared/ids';

export const match: ParamMatcher = (param) => isId(param);
