import { eq } from 'drizzle-orm';
import type { Actor } from '../../src/lib/server/access/actor.ts';
import { tables, type Db } from '../../src/lib/server/db/index.ts';
import { ensurePartnerChannel } from '../../src/lib/server/feed/channels.ts';
import {
	createTestOrganisation,
	createTestUser,
	type TestOrganisation,
	type TestUser
} from './factories.ts';

// A small feed world for integration tests: the host (admin, manager, rep), partners Alpha, Beta
// and Gamma with their channels, and the announcements channel the migration created.

export const feedActor = ({ user, organisation }: TestUser): Actor => ({
	id: user.id,
	role: user.role,
	organisationId: organisation.id,
	organisationKind: organisation.kind,
	name: user.name
});

/** A partner company with its feed channel (as createPartnerOrganisation makes it). */
export async function createFeedPartner(
	db: Db,
	name: string
): Promise<{ organisation: TestOrganisation; channelId: string }> {
	const organisation = await createTestOrganisation(db, { name });
	const { id } = await ensurePartnerChannel(db, { id: organisation.id, name });
	return { organisation, channelId: id };
}

export async function announcementsChannelId(db: Db): Promise<string> {
	const [row] = await db
		.select({ id: tables.feedChannels.id })
		.from(tables.feedChannels)
		.where(eq(tables.feedChannels.kind, 'announcements'));
	return row.id;
}

export type FeedWorld = {
	admin: TestUser;
	manager: TestUser;
	rep: TestUser;
	alpha: TestUser;
	alphaMember: TestUser;
	beta: TestUser;
	betaMember: TestUser;
	gamma: TestUser;
	alphaChannel: string;
	betaChannel: string;
	gammaChannel: string;
	announcements: string;
};

export async function createFeedWorld(db: Db): Promise<FeedWorld> {
	const stamp = Math.random().toString(36).slice(2, 8);
	const admin = await createTestUser(db, { role: 'admin', name: `Ada Admin ${stamp}` });
	const manager = await createTestUser(db, { role: 'manager', name: `Max Manager ${stamp}` });
	const rep = await createTestUser(db, { role: 'rep', name: `Rita Rep ${stamp}` });
	const a = await createFeedPartner(db, `Alpha ${stamp}`);
	const b = await createFeedPartner(db, `Beta ${stamp}`);
	const g = await createFeedPartner(db, `Gamma ${stamp}`);
	const user = (
		role: 'partner_admin' | 'partner_member',
		organisation: TestOrganisation,
		name: string
	) => createTestUser(db, { role, organisation, name: `${name} ${stamp}` });
	return {
		admin,
		manager,
		rep,
		alpha: await user('partner_admin', a.organisation, 'Alice Alpha'),
		alphaMember: await user('partner_member', a.organisation, 'Arthur Alpha'),
		beta: await user('partner_admin', b.organisation, 'Bob Beta'),
		betaMember: await user('partner_member', b.organisation, 'Bella Beta'),
		gamma: await user('partner_admin', g.organisation, 'Gina Gamma'),
		alphaChannel: a.channelId,
		betaChannel: b.channelId,
		gammaChannel: g.channelId,
		announcements: await announcementsChannelId(db)
	};
}

export const mention = (user: TestUser) => `@[user:${user.user.id}]`;
