import { notFound } from '$lib/server/http/edge';
import { requireUser } from '$lib/server/access';
import { getPost, listComments } from '$lib/server/feed';
import type { Actions, PageServerLoad } from './$types';
import { feedActions } from '../../actions.server';

// A post's permalink (from notifications and search), with all its comments.

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const user = requireUser(locals, url);
	const db = locals.runtime.db;
	const post = await getPost(db, user, params.id);
	if (!post) notFound();
	return { me: user.id, post, comments: await listComments(db, user, post.id) };
};

export const actions: Actions = feedActions;
