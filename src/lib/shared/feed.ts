import { z } from 'zod';
import { idSchema } from './ids.ts';
import { CHANNEL_KINDS, REACTIONS, type ChannelKind, type PostKind } from './enums.ts';
import type { ResolvedToken } from './tokens.ts';

// The partner feed's shapes, shared by the server (src/lib/server/feed), the pages, the JSON
// endpoints (/api/feed/…) and the live stream. Dates travel as ISO strings.

export const POST_MAX_LENGTH = 10_000;
export const COMMENT_MAX_LENGTH = 4_000;
export const CHANNEL_NAME_MAX = 80;
export const CHANNEL_DESCRIPTION_MAX = 500;
export const REPORT_REASON_MAX = 500;
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
export const ATTACHMENTS_PER_POST = 6;
export const TIMELINE_PAGE = 20;
/** Image types shown inline as previews; PDFs are always downloads. */
export const ATTACHMENT_IMAGE_TYPES = [
	'image/png',
	'image/jpeg',
	'image/gif',
	'image/webp'
] as const;
export const ATTACHMENT_TYPES = [...ATTACHMENT_IMAGE_TYPES, 'application/pdf'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

export type PersonLabel = { id: string; name: string; organisationName: string | null };

export type ChannelSummary = {
	id: string;
	kind: ChannelKind;
	name: string;
	description: string;
	/** Community channels: the partner companies that can see it (the banner). */
	organisations: { id: string; name: string }[];
	/** The reader's relation: joined (in the list), left, or null (never chose: not in the list). */
	membership: 'joined' | 'left' | null;
	muted: boolean;
	unread: number;
	lastPostAt: string | null;
	archived: boolean;
	canPost: boolean;
	canLeave: boolean;
	canManage: boolean;
};

export type AttachmentItem = {
	id: string;
	name: string;
	mime: string;
	size: number;
	width: number | null;
	height: number | null;
	/** Served through /api/feed/files/<id> (access checked there). */
	href: string;
	isImage: boolean;
};

export type ReactionSummary = { emoji: string; count: number; mine: boolean };

export type CommentItem = {
	id: string;
	postId: string;
	author: PersonLabel | null;
	body: string;
	tokens: ResolvedToken[];
	reactions: ReactionSummary[];
	createdAt: string;
	editedAt: string | null;
	deleted: boolean;
	hidden: boolean;
	canEdit: boolean;
	canDelete: boolean;
	canReport: boolean;
	canModerate: boolean;
};

export type PostItem = {
	id: string;
	channel: { id: string; name: string; kind: ChannelKind };
	kind: PostKind;
	author: PersonLabel | null;
	/** Markdown subset (message) — empty for activity posts, which use `activity`. */
	body: string;
	tokens: ResolvedToken[];
	/** Activity posts: the verb and short labels (rendered by a message of the feed domain). */
	activity: { verb: string; data: Record<string, unknown>; href: string | null } | null;
	attachments: AttachmentItem[];
	reactions: ReactionSummary[];
	commentCount: number;
	/** The last comments (up to 3), oldest first; the rest load on demand. */
	comments: CommentItem[];
	pinned: boolean;
	createdAt: string;
	editedAt: string | null;
	deleted: boolean;
	hidden: boolean;
	canEdit: boolean;
	canDelete: boolean;
	canPin: boolean;
	canReport: boolean;
	canComment: boolean;
	canModerate: boolean;
};

export type TimelinePage = { items: PostItem[]; nextCursor: string | null };

/** Live events of the feed (ids only: the browser fetches what it may see). */
export type FeedPostEvent = { channelId: string; postId: string; authorId: string | null };
export type FeedCommentEvent = { channelId: string; postId: string; commentId: string };
export type FeedReactionEvent = { channelId: string; postId: string };
export type FeedPostChangedEvent = { channelId: string; postId: string };
export type FeedReadEvent = { channelId: string };

/** A report in the admins' moderation queue. */
export type ReportItem = {
	id: string;
	postId: string;
	/** The post the item belongs to (the item itself when it is a top-level post). */
	href: string;
	isComment: boolean;
	channel: { id: string; name: string; kind: ChannelKind };
	author: PersonLabel | null;
	reporter: PersonLabel;
	reason: string;
	/** The first characters of the reported text (empty once removed). */
	excerpt: string;
	status: 'open' | 'dismissed' | 'hidden' | 'removed';
	hidden: boolean;
	removed: boolean;
	createdAt: string;
	resolvedAt: string | null;
};

// ── Inputs (forms and JSON bodies) ──────────────────────────────────────────────────────────────

const body = (max: number) =>
	z
		.string()
		.transform((v) => v.replace(/\r\n?/g, '\n').trim())
		.pipe(z.string().min(1, 'feed_error_empty').max(max, 'feed_error_too_long'));

export const postInput = z.object({
	channelId: idSchema,
	body: body(POST_MAX_LENGTH),
	attachmentIds: z.array(idSchema).max(ATTACHMENTS_PER_POST).default([])
});
export type PostInput = z.infer<typeof postInput>;

export const commentInput = z.object({ postId: idSchema, body: body(COMMENT_MAX_LENGTH) });
export const editInput = z.object({ postId: idSchema, body: body(POST_MAX_LENGTH) });
export const reactionInput = z.object({ postId: idSchema, emoji: z.enum(REACTIONS) });
export const reportInput = z.object({
	postId: idSchema,
	reason: z.string().trim().max(REPORT_REASON_MAX).default('')
});
export const channelInput = z.object({
	kind: z.enum(CHANNEL_KINDS).exclude(['partner']),
	name: z.string().trim().min(1, 'feed_error_empty').max(CHANNEL_NAME_MAX, 'feed_error_too_long'),
	description: z.string().trim().max(CHANNEL_DESCRIPTION_MAX, 'feed_error_too_long').default(''),
	/** Community channels: at least two partner companies. */
	organisationIds: z.array(idSchema).max(50).default([])
});
export const membershipInput = z.object({
	channelId: idSchema,
	action: z.enum(['join', 'leave', 'mute', 'unmute', 'read'])
});
export const moderationInput = z.object({
	postId: idSchema,
	action: z.enum(['hide', 'unhide', 'remove', 'dismiss'])
});
export const digestInput = z.object({ dailyDigest: z.boolean() });
