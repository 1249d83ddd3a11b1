import { and, asc, eq, sql } from 'drizzle-orm';
import { contactSearch } from './search-documents.ts';
import type { ContactInput } from '../../shared/schemas/crm.ts';
import {
	canCreateCrmRecord,
	canDeleteCrmRecord,
	canEditCrmRecord,
	canViewCrmRecord,
	type CrmRecordRef
} from '../access/crm-policy.ts';
import { isHostActor, type Actor } from '../access/actor.ts';
import { recordAudit } from '../audit/index.ts';
import type { Db } from '../db/client.ts';
import { parseCursor } from '../db/keyset.ts';
import { accounts, contacts, organisations } from '../db/schema.ts';
import type { Permissions } from './accounts.ts';
import { accountRef } from './accounts.ts';
import { assertPartners, diff } from './common.ts';
import { DomainError } from '../errors.ts';
import { visibleAccounts, visibleContacts } from '../access/crm-scope.ts';
import type { CommandContext } from '../command.ts';

// Contacts (people at an account). `organisationId` says whose contact it is: a partner's (only
// that partner sees it) or null for the host's. Editing follows the account's owner for reps.

export type ContactRow = {
	id: string;
	accountId: string;
	name: string;
	jobTitle: string | null;
	email: string | null;
	phone: string | null;
	organisationId: string | null;
	organisationName: string | null;
};

export type ContactDetail = ContactRow & {
	accountName: string;
	version: number;
	createdAt: Date;
	updatedAt: Date;
	permissions: Permissions;
};

const columns = {
	id: contacts.id,
	accountId: contacts.accountId,
	name: contacts.name,
	jobTitle: contacts.jobTitle,
	email: contacts.email,
	phone: contacts.phone,
	organisationId: contacts.organisationId,
	organisationName: organisations.name
};

function refOf(row: {
	organisationId: string | null;
	accountOwnerId: string | null;
}): CrmRecordRef {
	return {
		partnerIds: row.organisationId ? [row.organisationId] : [],
		ownerId: row.accountOwnerId
	};
}

/** The contacts of an account that the person may see, by name. */
export async function listContactsOfAccount(
	db: Db,
	actor: Actor,
	accountId: string
): Promise<ContactRow[]> {
	return db
		.select(columns)
		.from(contacts)
		.leftJoin(organisations, eq(organisations.id, contacts.organisationId))
		.where(and(eq(contacts.accountId, accountId), visibleContacts(actor)))
		.orderBy(sql`lower(${contacts.name})`, asc(contacts.id));
}

/** One contact the person may see, or null. */
export async function getContact(db: Db, actor: Actor, id: string): Promise<ContactDetail | null> {
	if (!parseCursor(id, 'uuid')) return null;
	const [row] = await db
		.select({
			...columns,
			accountName: accounts.name,
			accountOwnerId: accounts.ownerId,
			version: contacts.version,
			createdAt: contacts.createdAt,
			updatedAt: contacts.updatedAt
		})
		.from(contacts)
		.innerJoin(accounts, eq(accounts.id, contacts.accountId))
		.leftJoin(organisations, eq(organisations.id, contacts.organisationId))
		.where(and(eq(contacts.id, id), visibleContacts(actor), visibleAccounts(actor)));
	if (!row) return null;
	const ref = refOf(row);
	if (!canViewCrmRecord(actor, ref)) return null;
	const { accountOwnerId: _owner, ...contact } = row;
	return {
		...contact,
		permissions: { edit: canEditCrmRecord(actor, ref), delete: canDeleteCrmRecord(actor, ref) }
	};
}

export type CreateContactInput = ContactInput & {
	accountId: string;
	/** Host people (imports) may file a contact under a partner; a partner's are always its own. */
	organisationId?: string | null;
	externalId?: string | null;
};

/** Adds a contact to an account the person may see. */
export async function createContact(
	db: Db,
	actor: Actor,
	input: CreateContactInput,
	context: CommandContext = {}
): Promise<{ id: string; version: number }> {
	return db.transaction(async (tx) => {
		const account = await lockVisibleAccount(tx, actor, input.accountId);
		const organisationId = isHostActor(actor)
			? (input.organisationId ?? null)
			: actor.organisationId;
		const ref = refOf({ organisationId, accountOwnerId: account.ownerId });
		if (!canCreateCrmRecord(actor, ref)) throw new DomainError('FORBIDDEN');
		if (organisationId && isHostActor(actor)) await assertPartners(tx, [organisationId]);
		const [row] = await tx
			.insert(contacts)
			.values({
				accountId: account.id,
				organisationId,
				name: input.name,
				jobTitle: input.jobTitle,
				email: input.email,
				phone: input.phone,
				externalId: input.externalId ?? null,
				search: contactSearch(input, account.name)
			})
			.returning({ id: contacts.id, version: contacts.version });
		await recordAudit(tx, {
			actorId: actor.id,
			organisationId,
			action: 'contact.created',
			objectType: 'contact',
			objectId: row.id,
			data: { name: input.name, accountId: account.id },
			ip: context.ip ?? null
		});
		return row;
	});
}

async function lockVisibleAccount(tx: Db, actor: Actor, accountId: string) {
	if (!parseCursor(accountId, 'uuid')) throw new DomainError('NOT_FOUND');
	const [account] = await tx
		.select({ id: accounts.id, name: accounts.name, ownerId: accounts.ownerId })
		.from(accounts)
		.where(and(eq(accounts.id, accountId), visibleAccounts(actor)))
		.for('share');
	if (!account) throw new DomainError('NOT_FOUND');
	const ref = await accountRef(tx, account.id);
	if (!ref || !canViewCrmRecord(actor, ref)) throw new DomainError('NOT_FOUND');
	return account;
}

async function lockContact(tx: Db, actor: Actor, id: string) {
	if (!parseCursor(id, 'uuid')) throw new DomainError('NOT_FOUND');
	const [row] = await tx
		.select({ contact: contacts, accountName: accounts.name, accountOwnerId: accounts.ownerId })
		.from(contacts)
		.innerJoin(accounts, eq(accounts.id, contacts.accountId))
		.where(and(eq(contacts.id, id), visibleContacts(actor), visibleAccounts(actor)))
		.for('update', { of: contacts });
	if (!row) throw new DomainError('NOT_FOUND');
	const ref = refOf({
		organisationId: row.contact.organisationId,
		accountOwnerId: row.accountOwnerId
	});
	if (!canViewCrmRecord(actor, ref)) throw new DomainError('NOT_FOUND');
	return { row: row.contact, accountName: row.accountName, ref };
}

async function staleContact(tx: Db, actor: Actor, id: string): Promise<never> {
	const current = await getContact(tx, actor, id);
	throw new DomainError('STALE', { current: current ?? undefined });
}

export type UpdateContactInput = ContactInput & {
	id: string;
	/** The version the form was opened at; null only for imports that overwrite by design. */
	version: number | null;
	externalId?: string | null;
};

export async function updateContact(
	db: Db,
	actor: Actor,
	input: UpdateContactInput,
	context: CommandContext = {}
): Promise<{ id: string; version: number; changed: boolean }> {
	return db.transaction(async (tx) => {
		const { row, accountName, ref } = await lockContact(tx, actor, input.id);
		if (!canEditCrmRecord(actor, ref)) throw new DomainError('FORBIDDEN');
		if (input.version !== null && input.version !== row.version) {
			return staleContact(tx, actor, input.id);
		}
		const next = {
			name: input.name,
			jobTitle: input.jobTitle,
			email: input.email,
			phone: input.phone,
			...(input.externalId !== undefined ? { externalId: input.externalId } : {})
		};
		const changes = diff(row, next);
		if (Object.keys(changes).length === 0) {
			return { id: row.id, version: row.version, changed: false };
		}
		const [saved] = await tx
			.update(contacts)
			.set({
				...next,
				search: contactSearch(input, accountName),
				version: sql`${contacts.version} + 1`,
				updatedAt: sql`now()`
			})
			.where(and(eq(contacts.id, row.id), eq(contacts.version, row.version)))
			.returning({ id: contacts.id, version: contacts.version });
		if (!saved) return staleContact(tx, actor, input.id);
		await recordAudit(tx, {
			actorId: actor.id,
			organisationId: row.organisationId,
			action: 'contact.updated',
			objectType: 'contact',
			objectId: row.id,
			data: { changes },
			ip: context.ip ?? null
		});
		return { ...saved, changed: true };
	});
}

/** Soft-deletes a contact; returns its account, where the page goes next. */
export async function deleteContact(
	db: Db,
	actor: Actor,
	input: { id: string },
	context: CommandContext = {}
): Promise<{ accountId: string }> {
	return db.transaction(async (tx) => {
		const { row, ref } = await lockContact(tx, actor, input.id);
		if (!canDeleteCrmRecord(actor, ref)) throw new DomainError('FORBIDDEN');
		const now = new Date();
		await tx
			.update(contacts)
			.set({
				deletedAt: now,
				deletedById: actor.id,
				version: sql`${contacts.version} + 1`,
				updatedAt: now
			})
			.where(eq(contacts.id, row.id));
		await recordAudit(tx, {
			actorId: actor.id,
			organisationId: row.organisationId,
			action: 'contact.deleted',
			objectType: 'contact',
			objectId: row.id,
			data: { name: row.name },
			ip: context.ip ?? null
		});
		return { accountId: row.accountId };
	});
}
