import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import {
	canCreateChannel,
	canJoinChannel,
	canLeaveChannel,
	canManageChannel,
	canPostInChannel,
	type ChannelFacts
} from '../access/feed-policy.ts';
import type { Actor } from '../access/actor.ts';
import { recordAudit } from '../audit/commands.ts';
import type { Db } from '../db/client.ts';
import { parseCursor } from '../db/keyset.ts';
import {
	feedChannelOrganisations,
	feedChannels,
	feedMemberships,
	feedPosts,
	organisations,
	users
} from '../db/schema.ts';
import { publishLiveEvent } from '../live/events.ts';
import type { ChannelKind } from '../../shared/enums.ts';
import {
	CHANNEL_DESCRIPTION_MAX,
	CHANNEL_NAME_MAX,
	channelInput,
	membershipInput,
	type ChannelSummary
} from '../../shared/feed.ts';
import { readableChannel, readableChannels, visibleContributions } from './access.ts';
import { parseInput } from './common.ts';
import { DomainError } from '../errors.ts';

// Channels: the list with unread counts, one channel, creating and managing them, and each
// person's membership (join, leave, mute, read). A partner person's own partner channel and the
// announcements are mandatory: they count as joined and cannot be left (only muted).

const UNREAD_CAP = 99;

/** SQL: this channel is mandatory for the actor (always in "your channels"). */
function mandatory(actor: Actor) {
	return sql`(${feedChannels.kind} = 'announcements' or (${feedChannels.kind} = 'partner' and ${feedChannels.partnerId} = ${actor.organisationId}))`;
}

const isMandatory = (actor: Actor, channel: { kind: ChannelKind; partnerId: string | null }) =>
	channel.kind === 'announcements' ||
	(channel.kind === 'partner' && channel.partnerId === actor.organisationId);

async function summaries(db: Db, actor: Actor, channelId?: string): Promise<ChannelSummary[]> {
	const joined = sql`(${feedMemberships.state} = 'joined' or ${mandatory(actor)})`;
	// Unread: visible top-level posts by others since the person last read the channel (or since
	// they joined it, or since their account exists), counted up to the cap.
	const since = sql`coalesce(${feedMemberships.lastReadAt}, ${feedMemberships.updatedAt}, (select ${users.createdAt} from ${users} where ${users.id} = ${actor.id}))`;
	const unread = sql<number>`case when ${joined} then (select count(*)::int from (
		select 1 from ${feedPosts}
		where ${feedPosts.channelId} = ${feedChannels.id} and ${feedPosts.parentId} is null
		and ${feedPosts.deletedAt} is null and ${feedPosts.hiddenAt} is null
		and ${feedPosts.authorId} is distinct from ${actor.id}
		and ${feedPosts.createdAt} > ${since}
		and ${visibleContributions(actor)}
		limit ${UNREAD_CAP}) unread) else 0 end`;
	const rows = await db
		.select({
			id: feedChannels.id,
			kind: feedChannels.kind,
			name: feedChannels.name,
			description: feedChannels.description,
			partnerId: feedChannels.partnerId,
			archivedAt: feedChannels.archivedAt,
			lastPostAt: feedChannels.lastPostAt,
			state: feedMemberships.state,
			muted: feedMemberships.muted,
			unread,
			organisations: sql<{ id: string; name: string }[]>`coalesce((
				select json_agg(json_build_object('id', o.id, 'name', o.name) order by o.name)
				from ${feedChannelOrganisations} co join ${organisations} o on o.id = co.organisation_id
				where co.channel_id = ${feedChannels.id}), '[]'::json)`
		})
		.from(feedChannels)
		.leftJoin(
			feedMemberships,
			and(eq(feedMemberships.channelId, feedChannels.id), eq(feedMemberships.userId, actor.id))
		)
		.where(and(readableChannels(actor), channelId ? eq(feedChannels.id, channelId) : undefined))
		.orderBy(sql`${feedChannels.lastPostAt} desc nulls last`, asc(feedChannels.name));
	return rows.map((row) => {
		const organisationIds = (row.organisations ?? []).map((o) => o.id);
		const facts: ChannelFacts = {
			id: row.id,
			kind: row.kind,
			partnerId: row.partnerId,
			organisationIds,
			archived: row.archivedAt !== null
		};
		const membership = isMandatory(actor, row) ? 'joined' : (row.state ?? null);
		return {
			id: row.id,
			kind: row.kind,
			name: row.name,
			description: row.description,
			organisations: row.kind === 'community' ? (row.organisations ?? []) : [],
			membership,
			muted: row.muted ?? false,
			unread: Math.min(row.unread ?? 0, UNREAD_CAP),
			lastPostAt: row.lastPostAt ? row.lastPostAt.toISOString() : null,
			archived: row.archivedAt !== null,
			canPost: canPostInChannel(actor, facts),
			canLeave: membership === 'joined' && canLeaveChannel(actor, facts),
			canManage: canManageChannel(actor, facts)
		};
	});
}

/** Every channel the person may read, newest activity first, with their membership and unread. */
export function listChannels(db: Db, actor: Actor): Promise<ChannelSummary[]> {
	return summaries(db, actor);
}

/** One channel; null when unknown or not readable by this person. */
export async function getChannel(db: Db, actor: Actor, id: string): Promise<ChannelSummary | null> {
	if (!parseCursor(id, 'uuid')) return null;
	const [row] = await summaries(db, actor, id);
	return row ?? null;
}

/** Community channels: the distinct partner companies named, at least two. */
async function communityOrganisations(db: Db, ids: readonly string[]): Promise<string[]> {
	const unique = [...new Set(ids)];
	if (unique.length < 2)
		throw new DomainError('COMMUNITY_NEEDS_PARTNERS', { field: 'organisationIds' });
	const rows = await db
		.select({ id: organisations.id })
		.from(organisations)
		.where(and(inArray(organisations.id, unique), eq(organisations.kind, 'partner')));
	if (rows.length !== unique.length)
		throw new DomainError('COMMUNITY_NEEDS_PARTNERS', { field: 'organisationIds' });
	return unique;
}

/** Opens an internal, community or announcements channel; its creator joins it. */
export async function createChannel(db: Db, actor: Actor, input: unknown): Promise<{ id: string }> {
	const data = parseInput(channelInput, input);
	if (!canCreateChannel(actor, data.kind)) throw new DomainError('FORBIDDEN');
	const organisationIds =
		data.kind === 'community' ? await communityOrganisations(db, data.organisationIds) : [];
	return db.transaction(async (tx) => {
		const [channel] = await tx
			.insert(feedChannels)
			.values({
				kind: data.kind,
				name: data.name,
				description: data.description,
				createdById: actor.id
			})
			.returning({ id: feedChannels.id });
		if (organisationIds.length > 0) {
			await tx
				.insert(feedChannelOrganisations)
				.values(
					organisationIds.map((organisationId) => ({ channelId: channel.id, organisationId }))
				);
		}
		await tx
			.insert(feedMemberships)
			.values({ channelId: channel.id, userId: actor.id, state: 'joined' });
		await recordAudit(tx, {
			actorId: actor.id,
			organisationId: null,
			action: 'feed.channel_created',
			objectType: 'feed_channel',
			objectId: channel.id,
			data: { kind: data.kind, name: data.name, organisationIds }
		});
		return { id: channel.id };
	});
}

export type ChannelChange = {
	name: string;
	description: string;
	/** Community channels: the member companies (at least two). */
	organisationIds?: string[];
	archived?: boolean;
};

/** Renames, describes, archives a channel or changes a community's companies (audited). */
export async function updateChannel(
	db: Db,
	actor: Actor,
	id: string,
	change: ChannelChange
): Promise<void> {
	const channel = await readableChannel(db, actor, id);
	if (!channel) throw new DomainError('NOT_FOUND');
	if (!canManageChannel(actor, channel)) throw new DomainError('FORBIDDEN');
	const name = change.name.trim();
	const description = change.description.trim();
	if (!name) throw new DomainError('EMPTY', { field: 'name' });
	if (name.length > CHANNEL_NAME_MAX) throw new DomainError('TOO_LONG', { field: 'name' });
	if (description.length > CHANNEL_DESCRIPTION_MAX)
		throw new DomainError('TOO_LONG', { field: 'description' });
	const organisationIds =
		channel.kind === 'community' && change.organisationIds
			? await communityOrganisations(db, change.organisationIds)
			: null;
	await db.transaction(async (tx) => {
		const [before] = await tx
			.select({
				name: feedChannels.name,
				description: feedChannels.description,
				archivedAt: feedChannels.archivedAt
			})
			.from(feedChannels)
			.where(eq(feedChannels.id, channel.id))
			.for('update');
		const archive =
			change.archived === undefined || change.archived === (before.archivedAt !== null)
				? undefined
				: change.archived;
		await tx
			.update(feedChannels)
			.set({
				name,
				description,
				...(archive === undefined ? {} : { archivedAt: archive ? sql`now()` : null })
			})
			.where(eq(feedChannels.id, channel.id));
		if (organisationIds) {
			await tx
				.delete(feedChannelOrganisations)
				.where(eq(feedChannelOrganisations.channelId, channel.id));
			await tx
				.insert(feedChannelOrganisations)
				.values(
					organisationIds.map((organisationId) => ({ channelId: channel.id, organisationId }))
				);
		}
		await recordAudit(tx, {
			actorId: actor.id,
			organisationId: channel.kind === 'partner' ? channel.partnerId : null,
			action: 'feed.channel_updated',
			objectType: 'feed_channel',
			objectId: channel.id,
			data: {
				name: { from: before.name, to: name },
				description: { from: before.description, to: description },
				...(organisationIds
					? { organisationIds: { from: channel.organisationIds, to: organisationIds } }
					: {})
			}
		});
		if (archive !== undefined) {
			await recordAudit(tx, {
				actorId: actor.id,
				organisationId: channel.kind === 'partner' ? channel.partnerId : null,
				action: archive ? 'feed.channel_archived' : 'feed.channel_unarchived',
				objectType: 'feed_channel',
				objectId: channel.id,
				data: { name }
			});
		}
	});
}

/** Join, leave, mute, unmute, or mark read a channel the person may read. */
export async function setMembership(db: Db, actor: Actor, input: unknown): Promise<void> {
	const { channelId, action } = parseInput(membershipInput, input);
	const channel = await readableChannel(db, actor, channelId);
	if (!channel) throw new DomainError('NOT_FOUND', { field: 'channelId' });
	if (action === 'join' && !canJoinChannel(actor, channel)) throw new DomainError('FORBIDDEN');
	if (action === 'leave' && !canLeaveChannel(actor, channel)) throw new DomainError('FORBIDDEN');
	const key = and(eq(feedMemberships.channelId, channelId), eq(feedMemberships.userId, actor.id));
	await db.transaction(async (tx) => {
		if (action === 'read') {
			// Reading never joins: a person who never chose keeps no row (unless it is mandatory).
			const updated = await tx
				.update(feedMemberships)
				.set({ lastReadAt: sql`now()` })
				.where(key)
				.returning({ userId: feedMemberships.userId });
			if (updated.length === 0 && isMandatory(actor, channel)) {
				await tx
					.insert(feedMemberships)
					.values({ channelId, userId: actor.id, state: 'joined', lastReadAt: sql`now()` })
					.onConflictDoNothing();
			}
			await publishLiveEvent(tx, {
				type: 'feed.read',
				audience: { users: [actor.id] },
				data: { channelId }
			});
			return;
		}
		const values =
			action === 'join'
				? { state: 'joined' as const, lastReadAt: sql`now()` }
				: action === 'leave'
					? { state: 'left' as const }
					: { muted: action === 'mute' };
		await tx
			.insert(feedMemberships)
			.values({ channelId, userId: actor.id, ...values })
			.onConflictDoUpdate({
				target: [feedMemberships.channelId, feedMemberships.userId],
				set: { ...values, updatedAt: sql`now()` }
			});
	});
}

/**
 * The partner's channel, created with the partner (or renamed with it), in the caller's
 * transaction. Idempotent: one channel per partner (a unique index says so).
 */
export async function ensurePartnerChannel(
	tx: Db,
	partner: { id: string; name: string }
): Promise<{ id: string }> {
	const [row] = await tx
		.insert(feedChannels)
		.values({ kind: 'partner', name: partner.name, partnerId: partner.id })
		.onConflictDoUpdate({
			target: feedChannels.partnerId,
			targetWhere: sql`${feedChannels.kind} = 'partner'`,
			set: { name: partner.name }
		})
		.returning({ id: feedChannels.id });
	return { id: row.id };
}

/** The partner's channel id, if any (the activity bridge). */
export async function partnerChannelId(db: Db, partnerId: string): Promise<string | null> {
	const [row] = await db
		.select({ id: feedChannels.id })
		.from(feedChannels)
		.where(and(eq(feedChannels.kind, 'partner'), eq(feedChannels.partnerId, partnerId)))
		.orderBy(desc(feedChannels.createdAt))
		.limit(1);
	return row?.id ?? null;
}
