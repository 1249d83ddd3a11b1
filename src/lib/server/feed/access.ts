import { eq, sql, type SQL } from 'drizzle-orm';
import {
	canReadChannel,
	canSeeContribution,
	type ChannelFacts,
	type ContributionFacts
} from '../access/feed-policy.ts';
import { type Actor, isHostActor } from '../access/actor.ts';
import type { Db } from '../db/client.ts';
import { parseCursor } from '../db/keyset.ts';
import { feedChannelOrganisations, feedChannels, feedPosts, organisations } from '../db/schema.ts';

// Loads what feed-policy.ts needs, and its SQL twin for lists, timelines, search and counts. Every
// feed page, action, endpoint, file download and live fetch goes through these.

/** The host company's id, as SQL (an InitPlan: evaluated once per statement). */
export const hostOrganisation = sql`(select ${organisations.id} from ${organisations} where ${organisations.kind} = 'host')`;

/** Channels this person may read (SQL twin of `canReadChannel`), over `feed_channels`. */
export function readableChannels(actor: Actor): SQL {
	if (isHostActor(actor)) return sql`true`;
	return sql`(
		(${feedChannels.kind} = 'partner' and ${feedChannels.partnerId} = ${actor.organisationId})
		or ${feedChannels.kind} = 'announcements'
		or (${feedChannels.kind} = 'community' and exists (
			select 1 from ${feedChannelOrganisations}
			where ${feedChannelOrganisations.channelId} = ${feedChannels.id}
			and ${feedChannelOrganisations.organisationId} = ${actor.organisationId})))`;
}

/** The ids of the channels this person may read, as a subquery. */
export function readableChannelIds(actor: Actor): SQL {
	return sql`(select ${feedChannels.id} from ${feedChannels} where ${readableChannels(actor)})`;
}

/**
 * Posts, comments (rows of `feed_posts`) this person may see (SQL twin of `canReadChannel` +
 * `canSeeContribution`). Hidden and deleted rows are not filtered here: pages show tombstones.
 */
export function visibleContributions(actor: Actor): SQL {
	const inReadable = sql`${feedPosts.channelId} in ${readableChannelIds(actor)}`;
	if (isHostActor(actor)) return inReadable;
	return sql`(${inReadable} and (
		${feedPosts.authorOrganisationId} is null
		or ${feedPosts.authorOrganisationId} = ${hostOrganisation}
		or ${feedPosts.authorOrganisationId} = ${actor.organisationId}
		or exists (
			select 1 from ${feedChannels} c join ${feedChannelOrganisations} co on co.channel_id = c.id
			where c.id = ${feedPosts.channelId} and c.kind = 'community'
			and co.organisation_id = ${feedPosts.authorOrganisationId})))`;
}

/**
 * Reactions (or any row with a reactor's `organisationId` column) this person may see inside a
 * channel they read: the same rule as contributions, for the reactor's company.
 */
export function visibleReactor(actor: Actor, organisationColumn: SQL, channelId: SQL): SQL {
	if (isHostActor(actor)) return sql`true`;
	return sql`(${organisationColumn} = ${hostOrganisation}
		or ${organisationColumn} = ${actor.organisationId}
		or exists (
			select 1 from ${feedChannels} c join ${feedChannelOrganisations} co on co.channel_id = c.id
			where c.id = ${channelId} and c.kind = 'community' and co.organisation_id = ${organisationColumn}))`;
}

/** One channel's facts; null when it does not exist (or the id is malformed). */
export async function loadChannelFacts(db: Db, channelId: string): Promise<ChannelFacts | null> {
	if (!parseCursor(channelId, 'uuid')) return null;
	const [row] = await db
		.select({
			id: feedChannels.id,
			kind: feedChannels.kind,
			partnerId: feedChannels.partnerId,
			archivedAt: feedChannels.archivedAt,
			organisationIds: sql<
				string[]
			>`coalesce((select array_agg(${feedChannelOrganisations.organisationId}::text) from ${feedChannelOrganisations} where ${feedChannelOrganisations.channelId} = ${feedChannels.id}), '{}')`
		})
		.from(feedChannels)
		.where(eq(feedChannels.id, channelId));
	if (!row) return null;
	return {
		id: row.id,
		kind: row.kind,
		partnerId: row.partnerId,
		organisationIds: row.organisationIds ?? [],
		archived: row.archivedAt !== null
	};
}

/** A channel this person may read, or null (unknown and forbidden look the same: 404). */
export async function readableChannel(
	db: Db,
	actor: Actor,
	channelId: string
): Promise<ChannelFacts | null> {
	const channel = await loadChannelFacts(db, channelId);
	return channel && canReadChannel(actor, channel) ? channel : null;
}

export type PostFacts = ContributionFacts & {
	id: string;
	channelId: string;
	parentId: string | null;
	kind: 'message' | 'activity';
	deleted: boolean;
	hidden: boolean;
};

/** One post or comment with its channel; null when it does not exist. */
export async function loadPostFacts(
	db: Db,
	postId: string
): Promise<{ post: PostFacts; channel: ChannelFacts } | null> {
	if (!parseCursor(postId, 'uuid')) return null;
	const [row] = await db
		.select({
			id: feedPosts.id,
			channelId: feedPosts.channelId,
			parentId: feedPosts.parentId,
			kind: feedPosts.kind,
			authorId: feedPosts.authorId,
			authorOrganisationId: feedPosts.authorOrganisationId,
			authorIsHost: sql<boolean>`(${feedPosts.authorOrganisationId} is null or ${feedPosts.authorOrganisationId} = ${hostOrganisation})`,
			deletedAt: feedPosts.deletedAt,
			hiddenAt: feedPosts.hiddenAt
		})
		.from(feedPosts)
		.where(eq(feedPosts.id, postId));
	if (!row) return null;
	const channel = await loadChannelFacts(db, row.channelId);
	if (!channel) return null;
	return {
		channel,
		post: {
			id: row.id,
			channelId: row.channelId,
			parentId: row.parentId,
			kind: row.kind,
			authorId: row.authorId,
			authorOrganisationId: row.authorOrganisationId,
			authorIsHost: row.authorIsHost,
			deleted: row.deletedAt !== null,
			hidden: row.hiddenAt !== null
		}
	};
}

/**
 * A post or comment this person may see, with its channel; null otherwise (404 for them). For a
 * comment, its post must be visible too.
 */
export async function visiblePost(
	db: Db,
	actor: Actor,
	postId: string
): Promise<{ post: PostFacts; channel: ChannelFacts } | null> {
	const found = await loadPostFacts(db, postId);
	if (!found || !canSeeContribution(actor, found.channel, found.post)) return null;
	if (found.post.parentId) {
		const parent = await loadPostFacts(db, found.post.parentId);
		if (!parent || !canSeeContribution(actor, parent.channel, parent.post)) return null;
	}
	return found;
}
