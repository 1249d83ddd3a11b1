import type { ChannelKind } from '../../shared/enums.ts';
import type { LiveAudience } from '../live/events.ts';
import { isHostActor, type Actor } from './actor.ts';
import type { UserRef } from './policy.ts';
import { canViewUser } from './policy.ts';

// Rules of the partner feed. Who reads a channel follows its kind:
// - partner: the host's people + that one partner company's people;
// - announcements: everyone reads, only host people post; a partner's comment or reaction is seen by
//   the host and that partner's own people only;
// - internal: host people only;
// - community: the host + the named partner companies (every member sees the banner naming them).
// Inside a channel, a contribution (post, comment, reaction) is seen when its author's company is
// the host, the reader's own company, or — in a community channel — one of its member companies.
// Nowhere else does a partner person see another partner company's people or content.
// feed/access.ts holds the SQL twin of `canReadChannel` and `canSeeContribution` for lists.

/** What the rules need about a channel (loaded by feed/access.ts). */
export type ChannelFacts = {
	id: string;
	kind: ChannelKind;
	/** Partner channels: the partner company. */
	partnerId: string | null;
	/** Community channels: the partner companies that may read it. */
	organisationIds: readonly string[];
	archived: boolean;
};

/** What the rules need about a post, a comment or a reaction. */
export type ContributionFacts = {
	authorId: string | null;
	/** The author's company when written (activity posts: the activity's organisation). */
	authorOrganisationId: string | null;
	/** True when the author's company is the host (and for host-only activity posts). */
	authorIsHost: boolean;
};

const isHostAdmin = (a: Actor) => isHostActor(a) && a.role === 'admin';
const isHostManager = (a: Actor) => isHostActor(a) && (a.role === 'manager' || a.role === 'admin');

export function canReadChannel(actor: Actor, channel: ChannelFacts): boolean {
	if (isHostActor(actor)) return true;
	switch (channel.kind) {
		case 'partner':
			return channel.partnerId === actor.organisationId;
		case 'announcements':
			return true;
		case 'community':
			return channel.organisationIds.includes(actor.organisationId);
		case 'internal':
			return false;
	}
}

/** Write a top-level post: announcements are the host's voice; an archived channel is read-only. */
export function canPostInChannel(actor: Actor, channel: ChannelFacts): boolean {
	if (channel.archived || !canReadChannel(actor, channel)) return false;
	if (channel.kind === 'announcements') return isHostActor(actor);
	return true;
}

/** Comment on a post or react to it: everyone who reads an open channel (announcements too). */
export function canContributeInChannel(actor: Actor, channel: ChannelFacts): boolean {
	return !channel.archived && canReadChannel(actor, channel);
}

/** Whether a post, comment or reaction is visible to this reader (who must read the channel). */
export function canSeeContribution(
	actor: Actor,
	channel: ChannelFacts,
	item: ContributionFacts
): boolean {
	if (!canReadChannel(actor, channel)) return false;
	if (isHostActor(actor) || item.authorIsHost) return true;
	if (item.authorOrganisationId === actor.organisationId) return true;
	return (
		channel.kind === 'community' &&
		item.authorOrganisationId !== null &&
		channel.organisationIds.includes(item.authorOrganisationId)
	);
}

/** The partner companies (besides the host) whose people may read an item of this channel. */
export function audienceOrganisations(
	channel: ChannelFacts,
	item: ContributionFacts
): readonly string[] {
	switch (channel.kind) {
		case 'partner':
			return channel.partnerId ? [channel.partnerId] : [];
		case 'community':
			return channel.organisationIds;
		case 'announcements':
			// A host item is read by every partner; a partner's comment by that partner only.
			return item.authorIsHost || !item.authorOrganisationId ? [] : [item.authorOrganisationId];
		case 'internal':
			return [];
	}
}

/** The live stream audience of a new or changed item: exactly the people who may see it. */
export function liveAudienceOf(channel: ChannelFacts, item: ContributionFacts): LiveAudience {
	if (channel.kind === 'announcements' && item.authorIsHost) return { everyone: true };
	const orgs = audienceOrganisations(channel, item);
	if (orgs.length === 0) return { organisation: null };
	if (orgs.length === 1) return { organisation: orgs[0] };
	return { organisations: [...orgs] };
}

/** Someone the actor might mention, with whether they could see the actor's world. */
export type MentionTarget = UserRef & { active: boolean };

/**
 * Mention someone in an item: they must be able to read the item (host people, or a company of the
 * item's audience — in announcements a host post reaches every partner, so only host people may be
 * named there), and the author must be allowed to see them (a community's member companies see
 * each other).
 */
export function canMention(
	actor: Actor,
	channel: ChannelFacts,
	item: ContributionFacts,
	target: MentionTarget
): boolean {
	if (!target.active) return false;
	const targetIsHost = isHostActor(target);
	const readsItem =
		targetIsHost || audienceOrganisations(channel, item).includes(target.organisationId);
	if (!readsItem) return false;
	if (canViewUser(actor, target)) return true;
	// Partner people may name any host person of a channel both read, and community co-members.
	if (targetIsHost) return channel.kind !== 'internal';
	return channel.kind === 'community' && channel.organisationIds.includes(target.organisationId);
}

/** Edit one's own message (activity posts are Relais's, never edited). */
export function canEditPost(
	actor: Actor,
	post: { authorId: string | null; kind: string; deleted: boolean; hidden: boolean }
): boolean {
	return post.kind === 'message' && post.authorId === actor.id && !post.deleted && !post.hidden;
}

/** Delete one's own post or comment (admins remove through moderation instead). */
export function canDeletePost(
	actor: Actor,
	post: { authorId: string | null; kind: string; deleted: boolean }
): boolean {
	return post.kind === 'message' && post.authorId === actor.id && !post.deleted;
}

/** Pin a post to the top of its channel: host managers and admins. */
export function canPinPost(actor: Actor, channel: ChannelFacts): boolean {
	return isHostManager(actor) && canReadChannel(actor, channel);
}

/** Report someone else's post or comment that one can see. */
export function canReportPost(actor: Actor, post: { authorId: string | null }): boolean {
	return post.authorId !== actor.id;
}

/** Hide or remove a post, dismiss reports, see the reports queue: workspace admins. */
export function canModerateFeed(actor: Actor): boolean {
	return isHostAdmin(actor);
}

/** Open a channel: managers and admins open internal and community ones, admins announcements. */
export function canCreateChannel(actor: Actor, kind: ChannelKind): boolean {
	if (kind === 'internal' || kind === 'community') return isHostManager(actor);
	if (kind === 'announcements') return isHostAdmin(actor);
	return false; // Partner channels come with the partner.
}

/** Rename, describe, archive, change a community's companies: its kind's creators. */
export function canManageChannel(actor: Actor, channel: ChannelFacts): boolean {
	return (
		canCreateChannel(actor, channel.kind) || (channel.kind === 'partner' && isHostAdmin(actor))
	);
}

/**
 * Leave a channel (it leaves the list and the timeline). A partner's people stay in their own
 * channel, and everybody stays in announcements (they can mute them).
 */
export function canLeaveChannel(actor: Actor, channel: ChannelFacts): boolean {
	if (!canReadChannel(actor, channel)) return false;
	if (channel.kind === 'announcements') return false;
	return !(channel.kind === 'partner' && channel.partnerId === actor.organisationId);
}

export function canJoinChannel(actor: Actor, channel: ChannelFacts): boolean {
	return canReadChannel(actor, channel);
}

/** A file is served to those who may see the post it belongs to; before posting, its uploader only. */
export function canReadAttachment(
	actor: Actor,
	attachment: { uploaderId: string; attached: boolean },
	visiblePost: boolean
): boolean {
	if (!attachment.attached) return attachment.uploaderId === actor.id;
	return visiblePost;
}

/**
 * Whether a reader sees a person's name inside a channel (authors are shown with their
 * contribution; this is for mentions). Host people speak in every channel a partner reads; a
 * community's member companies see each other; otherwise `canViewUser` decides.
 */
export function canSeePersonInChannel(
	actor: Actor,
	channel: ChannelFacts,
	target: UserRef
): boolean {
	if (!canReadChannel(actor, channel)) return false;
	if (canViewUser(actor, target)) return true;
	if (isHostActor(target)) return true;
	return (
		channel.kind === 'community' &&
		channel.organisationIds.includes(actor.organisationId) &&
		channel.organisationIds.includes(target.organisationId)
	);
}
