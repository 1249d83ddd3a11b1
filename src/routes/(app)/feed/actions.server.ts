import type { RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
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
import { parseFeedForm, runFeedAction } from '$lib/server/feed/edge';
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

const postIdInput = z.object({ postId: z.uuid() });
const pinInput = z.object({ postId: z.uuid(), pinned: z.enum(['true', 'false']) });

async function start(event: RequestEvent) {
	const user = requireUser(event.locals);
	return { user, db: event.locals.runtime.db, formData: await event.request.formData() };
}

export const feedActions = {
	post: async (event: RequestEvent) => {
		const { user, db, formData } = await start(event);
		const tag = { action: 'post' };
		const parsed = parseFeedForm(postInput, formData, tag);
		if (!parsed.ok) return parsed.failure;
		const result = await runFeedAction(formData, tag, () => createPost(db, user, parsed.data));
		if (!result.ok) return result.failure;
		return { ...tag, id: result.value.id };
	},
	comment: async (event: RequestEvent) => {
		const { user, db, formData } = await start(event);
		const tag = { action: 'comment', id: String(formData.get('postId') ?? '') };
		const parsed = parseFeedForm(commentInput, formData, tag);
		if (!parsed.ok) return parsed.failure;
		const result = await runFeedAction(formData, tag, () => createComment(db, user, parsed.data));
		if (!result.ok) return result.failure;
		return { ...tag, commentId: result.value.id };
	},
	edit: async (event: RequestEvent) => {
		const { user, db, formData } = await start(event);
		const tag = { action: 'edit', id: String(formData.get('postId') ?? '') };
		const parsed = parseFeedForm(editInput, formData, tag);
		if (!parsed.ok) return parsed.failure;
		const result = await runFeedAction(formData, tag, () => editPost(db, user, parsed.data));
		if (!result.ok) return result.failure;
		return tag;
	},
	delete: async (event: RequestEvent) => {
		const { user, db, formData } = await start(event);
		const tag = { action: 'delete', id: String(formData.get('postId') ?? '') };
		const parsed = parseFeedForm(postIdInput, formData, tag);
		if (!parsed.ok) return parsed.failure;
		const result = await runFeedAction(formData, tag, () =>
			deletePost(db, user, parsed.data.postId)
		);
		if (!result.ok) return result.failure;
		return tag;
	},
	react: async (event: RequestEvent) => {
		const { user, db, formData } = await start(event);
		const tag = { action: 'react', id: String(formData.get('postId') ?? '') };
		const parsed = parseFeedForm(reactionInput, formData, tag);
		if (!parsed.ok) return parsed.failure;
		const result = await runFeedAction(formData, tag, () => toggleReaction(db, user, parsed.data));
		if (!result.ok) return result.failure;
		return { ...tag, reactions: result.value };
	},
	pin: async (event: RequestEvent) => {
		const { user, db, formData } = await start(event);
		const tag = { action: 'pin', id: String(formData.get('postId') ?? '') };
		const parsed = parseFeedForm(pinInput, formData, tag);
		if (!parsed.ok) return parsed.failure;
		const result = await runFeedAction(formData, tag, () =>
			pinPost(db, user, parsed.data.postId, parsed.data.pinned === 'true')
		);
		if (!result.ok) return result.failure;
		return tag;
	},
	report: async (event: RequestEvent) => {
		const { user, db, formData } = await start(event);
		const tag = { action: 'report', id: String(formData.get('postId') ?? '') };
		const parsed = parseFeedForm(reportInput, formData, tag);
		if (!parsed.ok) return parsed.failure;
		const result = await runFeedAction(formData, tag, () => reportPost(db, user, parsed.data));
		if (!result.ok) return result.failure;
		return { ...tag, reported: true };
	},
	membership: async (event: RequestEvent) => {
		const { user, db, formData } = await start(event);
		const tag = { action: 'membership', id: String(formData.get('channelId') ?? '') };
		const parsed = parseFeedForm(membershipInput, formData, tag);
		if (!parsed.ok) return parsed.failure;
		const result = await runFeedAction(formData, tag, () => setMembership(db, user, parsed.data));
		if (!result.ok) return result.failure;
		return { ...tag, membership: parsed.data.action };
	},
	moderate: async (event: RequestEvent) => {
		const { user, db, formData } = await start(event);
		const tag = { action: 'moderate', id: String(formData.get('postId') ?? '') };
		const parsed = parseFeedForm(moderationInput, formData, tag);
		if (!parsed.ok) return parsed.failure;
		const result = await runFeedAction(formData, tag, () => moderatePost(db, user, parsed.data));
		if (!result.ok) return result.failure;
		return { ...tag, decision: parsed.data.action };
	}
};
