import { and, eq, inArray } from 'drizzle-orm';
import type { OrganisationStatus, Tier } from '../../shared/enums.ts';
import { canEditPartner } from '../access/crm-policy.ts';
import { recordActivity } from '../activity/index.ts';
import { recordAudit } from '../audit/index.ts';
import type { Db } from '../db/client.ts';
import { organisations, users } from '../db/schema.ts';
import { changeOrganisation } from '../workspace/commands.ts';
import { DomainError } from '../errors.ts';
import type { Actor } from '../access/actor.ts';
import type { CommandContext } from '../command.ts';

// Writes of the partner directory. Tier, region and status go through the workspace's own
// `changeOrganisation` (same audit entries, same revocation of a suspended partner's people);
// the owner rep and the agreement date are this module's, in the same transaction.

export type PartnerChange = {
	partnerId: string;
	tier?: Tier | null;
	regionId?: string | null;
	status?: OrganisationStatus;
	/** A host rep or manager; null = nobody owns the relationship. */
	ownerId?: string | null;
	/** The day the partner agreement was signed (onboarding); null = not signed. */
	agreementSignedAt?: Date | null;
};

// The agreement day is kept as the UTC midnight of the day typed (updatePartnerSchema) and read
// back as its UTC day (the partner page): comparing UTC days compares the days typed. "Today" is
// not involved here; the form's latest day is the workspace's (workspaceDay).
const sameDay = (a: Date | null, b: Date | null) =>
	(a === null && b === null) ||
	(a !== null && b !== null && a.toISOString().slice(0, 10) === b.toISOString().slice(0, 10));

/**
 * Changes what managers and admins keep up to date about a partner. Every change is in the audit
 * log; the partner's world records an activity. Suspending revokes its people's access at once.
 */
export async function updatePartner(
	db: Db,
	actor: Actor,
	input: PartnerChange,
	context: CommandContext = {}
): Promise<{ changed: boolean }> {
	if (!canEditPartner(actor)) throw new DomainError('FORBIDDEN');
	return db.transaction(async (tx) => {
		const [partner] = await tx
			.select()
			.from(organisations)
			.where(and(eq(organisations.id, input.partnerId), eq(organisations.kind, 'partner')))
			.for('update');
		if (!partner) throw new DomainError('NOT_FOUND');

		const ownerId = input.ownerId === undefined ? partner.ownerId : input.ownerId;
		let ownerName: string | null = null;
		if (ownerId) {
			const [owner] = await tx
				.select({ id: users.id, name: users.name })
				.from(users)
				.innerJoin(organisations, eq(organisations.id, users.organisationId))
				.where(
					and(
						eq(users.id, ownerId),
						eq(organisations.kind, 'host'),
						eq(users.active, true),
						inArray(users.role, ['rep', 'manager'])
					)
				);
			// Keeping an owner who has since left is fine; choosing one is not.
			if (!owner && ownerId !== partner.ownerId) throw new DomainError('UNKNOWN_PARTNER_OWNER');
			ownerName = owner?.name ?? null;
		}
		const agreementSignedAt =
			input.agreementSignedAt === undefined ? partner.agreementSignedAt : input.agreementSignedAt;

		const organisation = await changeOrganisation(
			tx,
			actor,
			{
				organisationId: partner.id,
				tier: input.tier,
				regionId: input.regionId,
				status: input.status
			},
			context
		);

		const changes: Record<string, { from: unknown; to: unknown }> = {};
		if (ownerId !== partner.ownerId) changes.ownerId = { from: partner.ownerId, to: ownerId };
		if (!sameDay(agreementSignedAt, partner.agreementSignedAt)) {
			changes.agreementSignedAt = {
				from: partner.agreementSignedAt?.toISOString() ?? null,
				to: agreementSignedAt?.toISOString() ?? null
			};
		}
		if (Object.keys(changes).length > 0) {
			await tx
				.update(organisations)
				.set({ ownerId, agreementSignedAt, updatedAt: new Date() })
				.where(eq(organisations.id, partner.id));
			await recordAudit(tx, {
				actorId: actor.id,
				organisationId: partner.id,
				action: 'partner.updated',
				objectType: 'organisation',
				objectId: partner.id,
				data: changes,
				ip: context.ip ?? null
			});
			if (changes.ownerId) {
				await recordActivity(tx, {
					actorId: actor.id,
					organisationId: partner.id,
					verb: 'partner.owner_changed',
					objectType: 'organisation',
					objectId: partner.id,
					data: { name: partner.name, organisationName: partner.name, ownerName }
				});
			}
			if (changes.agreementSignedAt && agreementSignedAt) {
				await recordActivity(tx, {
					actorId: actor.id,
					organisationId: partner.id,
					verb: 'partner.agreement_signed',
					objectType: 'organisation',
					objectId: partner.id,
					data: { name: partner.name, organisationName: partner.name }
				});
			}
		}
		// Tier and status changes record their own activities in changeOrganisation; a new
		// region is only audited there, so the partner's world hears of it here.
		if (
			organisation.changed &&
			input.regionId !== undefined &&
			input.regionId !== partner.regionId
		) {
			await recordActivity(tx, {
				actorId: actor.id,
				organisationId: partner.id,
				verb: 'partner.region_changed',
				objectType: 'organisation',
				objectId: partner.id,
				data: { name: partner.name, organisationName: partner.name }
			});
		}
		return { changed: organisation.changed || Object.keys(changes).length > 0 };
	});
}
