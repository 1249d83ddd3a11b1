import { z } from 'zod';
import { PLAN_DOCUMENTS, type PlanDocument, type PlanVersionKind } from './enums.ts';
import type { ResolvedToken } from './tokens.ts';

// Plan version history and comments: what the API endpoints and the browser components agree on.

export type PlanVersionItem = {
	id: string;
	kind: PlanVersionKind;
	name: string | null;
	createdAt: string;
	createdByName: string | null;
	/** Names of who edited since the previous version (people the viewer may know). */
	authors: string[];
	charsAdded: number;
	charsRemoved: number;
};

/** A version's content for the read-only preview: base64 of its Yjs state. */
export type PlanVersionState = {
	id: string;
	kind: PlanVersionKind;
	name: string | null;
	createdAt: string;
	state: string;
};

/** Where a thread is anchored: a rich-text field and base64 Y.encodeRelativePosition of its ends. */
export type CommentAnchor = { field: string; start: string; end: string };

export type PlanCommentItem = {
	id: string;
	authorId: string;
	authorName: string;
	/** Plain text, empty when deleted; mentions are tokens (shared/tokens.ts). */
	body: string;
	/** The body's tokens as this reader may see them. */
	tokens: ResolvedToken[];
	createdAt: string;
	editedAt: string | null;
	deleted: boolean;
};

export type PlanThreadItem = {
	id: string;
	document: PlanDocument;
	anchor: CommentAnchor | null;
	quote: string | null;
	resolvedAt: string | null;
	resolvedByName: string | null;
	/** The opening comment first, then the replies in order. */
	comments: PlanCommentItem[];
};

export const MAX_COMMENT_LENGTH = 4000;
export const MAX_QUOTE_LENGTH = 500;
export const MAX_VERSION_NAME_LENGTH = 120;

const base64 = z
	.string()
	.min(1)
	.max(2000)
	.regex(/^[A-Za-z0-9+/]+={0,2}$/);
const body = z.string().trim().min(1).max(MAX_COMMENT_LENGTH);

export const planDocumentParam = z.enum(PLAN_DOCUMENTS);

export const createThreadInput = z.object({
	document: planDocumentParam,
	anchor: z.object({
		field: z.string().regex(/^(summary|notes|section\.[A-Za-z0-9-]{1,64})$/),
		start: base64,
		end: base64
	}),
	quote: z.string().max(MAX_QUOTE_LENGTH),
	body
});

export const replyInput = z.object({ body });

export const updateCommentInput = z.union([
	z.object({ body }),
	z.object({ resolved: z.boolean() })
]);

export const namedVersionInput = z.object({
	document: planDocumentParam,
	name: z.string().trim().min(1).max(MAX_VERSION_NAME_LENGTH)
});

export const restoreInput = z.object({
	label: z.string().trim().min(1).max(MAX_VERSION_NAME_LENGTH).optional()
});
