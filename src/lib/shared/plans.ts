/**
 * Plans: types shared between the server (load functions, commands) and the browser (pages).
 * `PlanPageData` is the page data of `/plans/[id=id]` (written by the plan domain, read by the editor page).
 */

export type PlanPageData = {
	plan: {
		id: string;
		kind: 'account' | 'partner';
		title: string;
		status: 'draft' | 'published';
		locale: 'fr' | 'en';
		accountId: string | null;
		accountName: string | null;
		partnerId: string | null;
		partnerName: string | null;
		ownerId: string;
		ownerName: string;
		sharedWith: { id: string; name: string; mode: 'editor' | 'viewer' } | null;
		publishedAt: string | null;
		lastReviewedAt: string | null;
		lastReviewedByName: string | null;
		stale: boolean;
	};
	access: 'edit' | 'read';
	/** Present (true) only for host people who may open internal notes; the key is absent otherwise. */
	internal?: true;
	can: { manage: boolean; review: boolean; comment: boolean; restore: boolean; narrow: boolean };
	me: { id: string; name: string; colour: string };
	/** People who may open this plan: action owners, relationship owners, @mentions. */
	people: { id: string; name: string }[];
	crm: {
		opportunities: {
			id: string;
			name: string;
			stage: string;
			amountCents: number;
			closeDate: string | null;
		}[];
		openTotalCents: number;
		currency: string;
	} | null;
};

/** A plan is stale when it has not been reviewed (or, never reviewed, created) for this many days. */
export const PLAN_STALE_DAYS = 30;

export function isPlanStale(
	lastReviewedAt: Date | string | null,
	createdAt: Date | string,
	now: Date = new Date()
): boolean {
	const ref = new Date(lastReviewedAt ?? createdAt).getTime();
	return now.getTime() - ref > PLAN_STALE_DAYS * 24 * 60 * 60 * 1000;
}

const COLOURS = [
	'#b3261e',
	'#1a6b3c',
	'#1f5fa8',
	'#8a4b08',
	'#6b2fa0',
	'#0b6e79',
	'#a0305e',
	'#4d5b12'
] as const;

/** A stable colour per person (presence, cursors), dark enough for white text. */
export function userColour(userId: string): string {
	let hash = 0;
	for (const char of userId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
	return COLOURS[hash % COLOURS.length];
}
