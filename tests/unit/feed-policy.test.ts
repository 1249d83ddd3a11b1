import { describe, expect, it } from 'vitest';
import {
	audienceOrganisations,
	canContributeInChannel,
	canCreateChannel,
	canDeletePost,
	canEditPost,
	canJoinChannel,
	canLeaveChannel,
	canManageChannel,
	canMention,
	canModerateFeed,
	canPinPost,
	canPostInChannel,
	canReadAttachment,
	canReadChannel,
	canReportPost,
	canSeeContribution,
	canSeePersonInChannel,
	liveAudienceOf,
	type ChannelFacts,
	type ContributionFacts,
	type MentionTarget
} from '../../src/lib/server/access/feed-policy.ts';
import type { Actor } from '../../src/lib/server/access/actor.ts';
import type { ChannelKind } from '../../src/lib/shared/enums.ts';

const HOST = 'host';
const ALPHA = 'alpha';
const BETA = 'beta';
const GAMMA = 'gamma';

const people = {
	admin: { id: 'admin', role: 'admin', organisationId: HOST, organisationKind: 'host' },
	manager: { id: 'manager', role: 'manager', organisationId: HOST, organisationKind: 'host' },
	rep: { id: 'rep', role: 'rep', organisationId: HOST, organisationKind: 'host' },
	alphaAdmin: {
		id: 'aa',
		role: 'partner_admin',
		organisationId: ALPHA,
		organisationKind: 'partner'
	},
	alphaMember: {
		id: 'am',
		role: 'partner_member',
		organisationId: ALPHA,
		organisationKind: 'partner'
	},
	betaAdmin: { id: 'ba', role: 'partner_admin', organisationId: BETA, organisationKind: 'partner' },
	betaMember: {
		id: 'bm',
		role: 'partner_member',
		organisationId: BETA,
		organisationKind: 'partner'
	}
} satisfies Record<string, Actor>;
type Who = keyof typeof people;

const channel = (kind: ChannelKind, extra: Partial<ChannelFacts> = {}): ChannelFacts => ({
	id: `c-${kind}`,
	kind,
	partnerId: kind === 'partner' ? ALPHA : null,
	organisationIds: kind === 'community' ? [ALPHA, GAMMA] : [],
	archived: false,
	...extra
});
const channels = {
	alphaPartner: channel('partner'),
	announcements: channel('announcements'),
	internal: channel('internal'),
	communityWithAlpha: channel('community'),
	communityWithoutAlpha: channel('community', { organisationIds: [BETA, GAMMA] })
};
type Where = keyof typeof channels;

const by = (who: Actor): ContributionFacts => ({
	authorId: who.id,
	authorOrganisationId: who.organisationId,
	authorIsHost: who.organisationKind === 'host'
});

// Who reads which channel: every role × every kind × own/other company.
const READS: Record<Where, Who[]> = {
	alphaPartner: ['admin', 'manager', 'rep', 'alphaAdmin', 'alphaMember'],
	announcements: [
		'admin',
		'manager',
		'rep',
		'alphaAdmin',
		'alphaMember',
		'betaAdmin',
		'betaMember'
	],
	internal: ['admin', 'manager', 'rep'],
	communityWithAlpha: ['admin', 'manager', 'rep', 'alphaAdmin', 'alphaMember'],
	communityWithoutAlpha: ['admin', 'manager', 'rep', 'betaAdmin', 'betaMember']
};
const POSTS: Record<Where, Who[]> = {
	...READS,
	announcements: ['admin', 'manager', 'rep']
};

describe('the feed policy', () => {
	const cases = (Object.keys(channels) as Where[]).flatMap((where) =>
		(Object.keys(people) as Who[]).map((who) => [where, who] as const)
	);

	it.each(cases)('in %s, %s reads, posts and contributes as the table says', (where, who) => {
		const actor = people[who];
		const facts = channels[where];
		expect(canReadChannel(actor, facts)).toBe(READS[where].includes(who));
		expect(canJoinChannel(actor, facts)).toBe(READS[where].includes(who));
		expect(canPostInChannel(actor, facts)).toBe(POSTS[where].includes(who));
		expect(canContributeInChannel(actor, facts)).toBe(READS[where].includes(who));
		// Archived: read-only for everyone.
		const archived = { ...facts, archived: true };
		expect(canPostInChannel(actor, archived)).toBe(false);
		expect(canContributeInChannel(actor, archived)).toBe(false);
		expect(canReadChannel(actor, archived)).toBe(READS[where].includes(who));
	});

	it("shows a partner's comment on an announcement to the host and that partner only", () => {
		const comment = by(people.alphaMember);
		const seers = (Object.keys(people) as Who[]).filter((who) =>
			canSeeContribution(people[who], channels.announcements, comment)
		);
		expect(seers).toEqual(['admin', 'manager', 'rep', 'alphaAdmin', 'alphaMember']);
		expect(liveAudienceOf(channels.announcements, comment)).toEqual({ organisation: ALPHA });
		expect(liveAudienceOf(channels.announcements, by(people.admin))).toEqual({ everyone: true });
	});

	it('shows community members each other, never to another company', () => {
		const gammaPost: ContributionFacts = {
			authorId: 'g',
			authorOrganisationId: GAMMA,
			authorIsHost: false
		};
		expect(canSeeContribution(people.alphaMember, channels.communityWithAlpha, gammaPost)).toBe(
			true
		);
		expect(canSeeContribution(people.betaMember, channels.communityWithAlpha, gammaPost)).toBe(
			false
		);
		expect(liveAudienceOf(channels.communityWithAlpha, gammaPost)).toEqual({
			organisations: [ALPHA, GAMMA]
		});
		expect(liveAudienceOf(channels.alphaPartner, by(people.rep))).toEqual({ organisation: ALPHA });
		expect(liveAudienceOf(channels.internal, by(people.rep))).toEqual({ organisation: null });
	});

	it('lets partners name only people who may read the item, and whom they may see', () => {
		const target = (who: Who, extra: Partial<MentionTarget> = {}): MentionTarget => ({
			...people[who],
			active: true,
			...extra
		});
		const alpha = people.alphaAdmin;
		const own = canMention(alpha, channels.alphaPartner, by(alpha), target('alphaMember'));
		expect(own).toBe(true);
		expect(canMention(alpha, channels.alphaPartner, by(alpha), target('betaAdmin'))).toBe(false);
		expect(canMention(alpha, channels.alphaPartner, by(alpha), target('rep'))).toBe(true);
		expect(
			canMention(alpha, channels.alphaPartner, by(alpha), target('alphaMember', { active: false }))
		).toBe(false);
		// A host post in announcements reaches every partner: partner people are not named there.
		expect(
			canMention(people.rep, channels.announcements, by(people.rep), target('alphaAdmin'))
		).toBe(false);
		expect(canMention(people.rep, channels.announcements, by(people.rep), target('manager'))).toBe(
			true
		);
		// Alpha's comment on an announcement: Alpha's colleagues may be named, Beta's not.
		expect(canMention(alpha, channels.announcements, by(alpha), target('alphaMember'))).toBe(true);
		expect(canMention(alpha, channels.announcements, by(alpha), target('betaMember'))).toBe(false);
		// Community co-members name each other.
		const gamma: MentionTarget = {
			id: 'g',
			role: 'partner_admin',
			organisationId: GAMMA,
			organisationKind: 'partner',
			active: true
		};
		expect(canMention(alpha, channels.communityWithAlpha, by(alpha), gamma)).toBe(true);
		expect(canSeePersonInChannel(alpha, channels.communityWithAlpha, gamma)).toBe(true);
		expect(canSeePersonInChannel(alpha, channels.alphaPartner, people.betaAdmin)).toBe(false);
		expect(canSeePersonInChannel(alpha, channels.alphaPartner, people.rep)).toBe(true);
		expect(canSeePersonInChannel(people.betaAdmin, channels.alphaPartner, people.alphaAdmin)).toBe(
			false
		);
	});

	it('edits and deletes own messages only, pins for host managers, moderates for admins', () => {
		const mine = { authorId: 'am', kind: 'message', deleted: false, hidden: false };
		expect(canEditPost(people.alphaMember, mine)).toBe(true);
		expect(canEditPost(people.alphaAdmin, mine)).toBe(false);
		expect(canEditPost(people.alphaMember, { ...mine, hidden: true })).toBe(false);
		expect(canEditPost(people.alphaMember, { ...mine, kind: 'activity' })).toBe(false);
		expect(canDeletePost(people.alphaMember, mine)).toBe(true);
		expect(canDeletePost(people.admin, mine)).toBe(false);
		expect(canDeletePost(people.alphaMember, { ...mine, deleted: true })).toBe(false);
		const pinners = (Object.keys(people) as Who[]).filter((w) =>
			canPinPost(people[w], channels.alphaPartner)
		);
		expect(pinners).toEqual(['admin', 'manager']);
		const moderators = (Object.keys(people) as Who[]).filter((w) => canModerateFeed(people[w]));
		expect(moderators).toEqual(['admin']);
		expect(canReportPost(people.alphaAdmin, { authorId: 'am' })).toBe(true);
		expect(canReportPost(people.alphaMember, { authorId: 'am' })).toBe(false);
	});

	it('opens and manages channels by kind, and keeps mandatory channels', () => {
		const creators = (kind: ChannelKind) =>
			(Object.keys(people) as Who[]).filter((w) => canCreateChannel(people[w], kind));
		expect(creators('internal')).toEqual(['admin', 'manager']);
		expect(creators('community')).toEqual(['admin', 'manager']);
		expect(creators('announcements')).toEqual(['admin']);
		expect(creators('partner')).toEqual([]);
		expect(canManageChannel(people.admin, channels.alphaPartner)).toBe(true);
		expect(canManageChannel(people.manager, channels.alphaPartner)).toBe(false);
		expect(canManageChannel(people.alphaAdmin, channels.alphaPartner)).toBe(false);
		expect(canLeaveChannel(people.alphaMember, channels.alphaPartner)).toBe(false);
		expect(canLeaveChannel(people.rep, channels.alphaPartner)).toBe(true);
		expect(canLeaveChannel(people.rep, channels.announcements)).toBe(false);
		expect(canLeaveChannel(people.alphaMember, channels.communityWithAlpha)).toBe(true);
		expect(canLeaveChannel(people.betaMember, channels.alphaPartner)).toBe(false);
	});

	it('serves an attachment to its uploader before posting, then to whoever sees the post', () => {
		expect(
			canReadAttachment(people.alphaMember, { uploaderId: 'am', attached: false }, false)
		).toBe(true);
		expect(canReadAttachment(people.alphaAdmin, { uploaderId: 'am', attached: false }, true)).toBe(
			false
		);
		expect(canReadAttachment(people.betaAdmin, { uploaderId: 'am', attached: true }, false)).toBe(
			false
		);
		expect(canReadAttachment(people.alphaAdmin, { uploaderId: 'am', attached: true }, true)).toBe(
			true
		);
	});
});

// The partner companies (besides the host) whose people may read an item: every channel kind ×
// an item by a host person, by Alpha's admin, by Beta's member.
describe('audienceOrganisations', () => {
	const expected: Record<Where, [host: string[], alpha: string[], beta: string[]]> = {
		alphaPartner: [[ALPHA], [ALPHA], [ALPHA]],
		announcements: [[], [ALPHA], [BETA]],
		internal: [[], [], []],
		communityWithAlpha: [
			[ALPHA, GAMMA],
			[ALPHA, GAMMA],
			[ALPHA, GAMMA]
		],
		communityWithoutAlpha: [
			[BETA, GAMMA],
			[BETA, GAMMA],
			[BETA, GAMMA]
		]
	};
	it.each(Object.keys(channels) as Where[])('answers for an item in %s', (where) => {
		const authors = [people.rep, people.alphaAdmin, people.betaMember];
		expect(authors.map((who) => [...audienceOrganisations(channels[where], by(who))])).toEqual(
			expected[where]
		);
	});
});
