import type { RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { invalid, runAction } from '$lib/server/http/edge';
import { parseForm } from '$lib/server/http/forms';
import { idSchema } from '$lib/shared/ids';
import { requireUser } from '$lib/server/access';
import {
	createComment,
	createPost,
	deletePost,
	editPost,
	moderatePost,
	pinPost,
	reportPost,
	setMembership,
	toggleReaction
} from '$lib/server/feed';
import {
	commentInput,
	editInput,
	membershipInput,
	moderationInput,
	postInput,
	reactionInput,
	reportInput
} from '$lib/shared/feed';

// The form actions every feed page shares (the home timeline, a channel, a post's permalink):
// each one validates with the shared schema, calls one feed command, and answers with the action's
// name and the post it touched, so the page refreshes that post only.

const postIdInput = z.object({ postId: idSchema });
const pinInput = z.object({ postId: idSchema, pinned: z.enum(['true', 'false']) });

async function start(event: RequestEvent) {
	const user = requireUser(event.locals);
	return { user, db: event.locals.runtime.db, formData: await event.request.formData() };
}

export const feedActions = {
	post: async (event: RequestEvent) => {
		const { user, db, formData } = await start(event);
		const tag = { action: 'post' };
		const parsed = parseForm(postInput, formData, { message: 'first-field' });
		if (!parsed.ok) return invalid(parsed.failure, tag);
		const result = await runAction(formData, tag, () => createPost(db, user, parsed.data));
		if (!result.ok) return result.failure;
		return { ...tag, id: result.value.id };
	},
	comment: async (event: RequestEvent) => {
		const { user, db, formData } = await start(event);
		const tag = { action: 'comment', id: String(formData.get('postId') ?? '') };
		const parsed = parseForm(commentInput, formData, { message: 'first-field' });
		if (!parsed.ok) return invalid(parsed.failure, tag);
		const result = await runAction(formData, tag, () => createComment(db, user, parsed.data));
		if (!result.ok) return result.failure;
		return { ...tag, commentId: result.value.id };
	},
	edit: async (event: RequestEvent) => {
		const { user, db, formData } = await start(event);
		const tag = { action: 'edit', id: String(formData.get('postId') ?? '') };
		const parsed = parseForm(editInput, formData, { message: 'first-field' });
		if (!parsed.ok) return invalid(parsed.failure, tag);
		const result = await runAction(formData, tag, () => editPost(db, user, parsed.data));
		if (!result.ok) return result.failure;
		return tag;
	},
	delete: async (event: RequestEvent) => {
		const { user, db, formData } = await start(event);
		const tag = { action: 'delete', id: String(formData.get('postId') ?? '') };
		const parsed = parseForm(postIdInput, formData, { message: 'first-field' });
		if (!parsed.ok) return invalid(parsed.failure, tag);
		const result = await runAction(formData, tag, () => deletePost(db, user, parsed.data.postId));
		if (!result.ok) return result.failure;
		return tag;
	},
	react: async (event: RequestEvent) => {
		const { user, db, formData } = await start(event);
		const tag = { action: 'react', id: String(formData.get('postId') ?? '') };
		const parsed = parseForm(reactionInput, formData, { message: 'first-field' });
		if (!parsed.ok) return invalid(parsed.failure, tag);
		const result = await runAction(formData, tag, () => toggleReaction(db, user, parsed.data));
		if (!result.ok) return result.failure;
		return { ...tag, reactions: result.value };
	},
	pin: async (event: RequestEvent) => {
		const { user, db, formData } = await start(event);
		const tag = { action: 'pin', id: String(formData.get('postId') ?? '') };
		const parsed = parseForm(pinInput, formData, { message: 'first-field' });
		if (!parsed.ok) return invalid(parsed.failure, tag);
		const result = await runAction(formData, tag, () =>
			pinPost(db, user, parsed.data.postId, parsed.data.pinned === 'true')
		);
		if (!result.ok) return result.failure;
		return tag;
	},
	report: async (event: RequestEvent) => {
		const { user, db, formData } = await start(event);
		const tag = { action: 'report', id: String(formData.get('postId') ?? '') };
		const parsed = parseForm(reportInput, formData, { message: 'first-field' });
		if (!parsed.ok) return invalid(parsed.failure, tag);
		const result = await runAction(formData, tag, () => reportPost(db, user, parsed.data));
		if (!result.ok) return result.failure;
		return { ...tag, reported: true };
	},
	membership: async (event: RequestEvent) => {
		const { user, db, formData } = await start(event);
		const tag = { action: 'membership', id: String(formData.get('channelId') ?? '') };
		const parsed = parseForm(membershipInput, formData, { message: 'first-field' });
		if (!parsed.ok) return invalid(parsed.failure, tag);
		const result = await runAction(formData, tag, () => setMembership(db, user, parsed.data));
		if (!result.ok) return result.failure;
		return { ...tag, membership: parsed.data.action };
	},
	moderate: async (event: RequestEvent) => {
		const { user, db, formData } = await start(event);
		const tag = { action: 'moderate', id: String(formData.get('postId') ?? '') };
		const parsed = parseForm(moderationInput, formData, { message: 'first-field' });
		if (!parsed.ok) return invalid(parsed.failure, tag);
		const result = await runAction(formData, tag, () => moderatePost(db, user, parsed.data));
		if (!result.ok) return result.failure;
		return { ...tag, decision: parsed.data.action };
	}
};
