import { randomUUID } from 'node:crypto';
import type { SQL } from 'drizzle-orm';
import * as Y from 'yjs';
import type { Db } from '../db/client.ts';
import {
	accounts,
	activities,
	notifications,
	planActions,
	planComments,
	planDocuments,
	plans,
	planVersions
} from '../db/schema.ts';
import { searchVector } from '../crm/scope.ts';
import { planDocumentName } from '../../shared/collab.ts';
import {
	addRow,
	meta,
	NOTES_FIELD,
	PLAN_SCHEMA_VERSION,
	planSearchText,
	readRows,
	richText,
	sectionField,
	setCell,
	SUMMARY_FIELD,
	writeRichText
} from '../../shared/plan-doc.ts';
import { mentionToken } from '../../shared/tokens.ts';
import { cpuMsSince } from './timing.ts';
import { DEMO_USERS } from './demo.ts';
import { DEMO_PLANS, type DemoPlan, type DemoThread } from './demo-plans.ts';

export type PlanSeedSummary = {
	plans: number;
	versions: number;
	comments: number;
	/** How long writing them took: the seed test keeps it a small share of the whole seed. */
	ms: number;
	/** The process's CPU time meanwhile (steadier than `ms` on a busy machine). */
	cpuMs: number;
};

type Context = {
	ago: (days: number, index?: number) => Date;
	now: Date;
	orgIds: Map<string, string>;
	userIds: Map<string, string>;
};

const DAY = 24 * 60 * 60 * 1000;

function lookup(map: Map<string, string>, key: string, what: string): string {
	const id = map.get(key);
	if (!id) throw new Error(`Demo plans seed: unknown ${what} ${key}`);
	return id;
}

/** The shared document, built in the order the team filled it: a snapshot before the actions, one after. */
function buildShared(plan: DemoPlan, ids: (email: string) => string, day: (n: number) => string) {
	const doc = new Y.Doc();
	const stages: Uint8Array[] = [];
	const sizes: number[] = [];
	const snapshot = () => {
		stages.push(Y.encodeStateAsUpdate(doc));
		sizes.push(planSearchText(doc).length + doc.getArray('stakeholders').length * 40);
	};
	doc.transact(() => {
		meta(doc).set('schemaVersion', PLAN_SCHEMA_VERSION);
		meta(doc).set('locale', plan.locale);
		writeRichText(doc, SUMMARY_FIELD, plan.summary);
		for (const g of plan.goals) {
			const { dueInDays, ...goal } = g;
			addRow(doc, 'goals', { ...goal, due: day(dueInDays) });
		}
		const products = plan.whitespace.products.map((name) =>
			addRow(doc, 'whitespace.products', { name })
		);
		const units = plan.whitespace.units.map((name) => addRow(doc, 'whitespace.units', { name }));
		for (const [p, u, cell] of plan.whitespace.cells) setCell(doc, products[p], units[u], cell);
	});
	doc.transact(() => {
		for (const s of plan.stakeholders) {
			addRow(doc, 'stakeholders', {
				person: s.person,
				role: s.role,
				influence: s.influence,
				attitude: s.attitude,
				ownerId: ids(s.owner)
			});
		}
		for (const [quadrant, items] of Object.entries(plan.swot)) {
			const list = `swot.${quadrant}` as 'swot.strengths';
			for (const text of items) addRow(doc, list, { text });
		}
		for (const section of plan.sections) {
			const id = addRow(doc, 'sections', { title: section.title });
			writeRichText(doc, sectionField(id), section.blocks);
		}
	});
	snapshot();
	doc.transact(() => {
		for (const a of plan.actions) {
			addRow(doc, 'actions', {
				title: a.title,
				ownerId: ids(a.owner),
				due: a.dueInDays === null ? '' : day(a.dueInDays),
				status: a.status
			});
		}
	});
	snapshot();
	return { doc, stages, sizes };
}

function buildInternal(plan: DemoPlan): Y.Doc {
	const doc = new Y.Doc();
	doc.transact(() => {
		meta(doc).set('schemaVersion', PLAN_SCHEMA_VERSION);
		meta(doc).set('locale', plan.locale);
		writeRichText(doc, NOTES_FIELD, plan.notes);
	});
	return doc;
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** Anchors a thread on the start of the first paragraph of a field, as the editor would. */
function anchorOn(doc: Y.Doc, field: string, length: number) {
	const paragraph = richText(doc, field)
		.toArray()
		.find((node) => node instanceof Y.XmlElement && node.nodeName === 'paragraph') as
		Y.XmlElement | undefined;
	const text = paragraph?.get(0);
	if (!(text instanceof Y.XmlText)) return null;
	const full = text.toString();
	// Stop at the end of a word, as a person selecting text does.
	const cut = full.length <= length ? full.length : full.lastIndexOf(' ', length);
	const end = cut > 0 ? cut : Math.min(full.length, length);
	const position = (index: number) =>
		base64(Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(text, index)));
	return { anchor: { field, start: position(0), end: position(end) }, quote: full.slice(0, end) };
}

/**
 * Writes the demo plans inside the seed's transaction, in one insert per table like the rest of the
 * seed: the plan rows, both Yjs documents, what the collaboration server derives from a stored
 * document (mirrored actions, summary text and search vector, with store.ts's own helpers'
 * rules), versions, comment threads, and the feed and notifications the plan commands would have
 * written at the time (created, published, reviewed; "shared with you" to the partner's admins).
 * Going through createPlan instead costs some twenty queries a plan, most of the seed's time.
 */
export async function insertDemoPlans(tx: Db, ctx: Context): Promise<PlanSeedSummary> {
	const { ago, now, orgIds, userIds } = ctx;
	const started = performance.now();
	const startedCpu = process.cpuUsage();
	const ids = (email: string) => lookup(userIds, email, 'user');
	const org = (key: string) => lookup(orgIds, key, 'organisation');
	const day = (offset: number) => new Date(now.getTime() + offset * DAY).toISOString().slice(0, 10);
	const accountRows = await tx.select({ id: accounts.id, name: accounts.name }).from(accounts);
	const accountIds = new Map(accountRows.map((a) => [a.name, a.id]));
	// Mentions are written with e-mails in demo-plans.ts (`@[user:<e-mail>]`): the ids exist only now.
	const withIds = (body: string) =>
		body.replace(/@\[user:([^\]\s]+@[^\]\s]+)\]/g, (_, e: string) => mentionToken(ids(e)));

	const planRows: (Omit<typeof plans.$inferInsert, 'search'> & { search: SQL })[] = [];
	const documentRows: (typeof planDocuments.$inferInsert)[] = [];
	const actionRows: (typeof planActions.$inferInsert)[] = [];
	const versionRows: (typeof planVersions.$inferInsert)[] = [];
	const commentRows: (typeof planComments.$inferInsert)[] = [];
	const feedRows: (typeof activities.$inferInsert)[] = [];
	const noticeRows: (typeof notifications.$inferInsert)[] = [];

	for (const [index, plan] of DEMO_PLANS.entries()) {
		const id = randomUUID();
		const ownerId = ids(plan.owner);
		const sharedWithId = plan.share ? org(plan.share.partner) : null;
		const createdAt = ago(plan.createdDaysAgo, index);
		const publishedAt = plan.publishedDaysAgo === null ? null : ago(plan.publishedDaysAgo, index);
		const reviewedAt = plan.reviewed ? ago(plan.reviewed.daysAgo, index) : null;
		const { doc, stages, sizes } = buildShared(plan, ids, day);
		const internal = buildInternal(plan);
		const summaryText = planSearchText(doc);

		planRows.push({
			id,
			kind: plan.kind,
			accountId: plan.kind === 'account' ? lookup(accountIds, plan.subjectName, 'account') : null,
			partnerId: plan.kind === 'partner' ? org(plan.subject) : null,
			title: plan.title,
			locale: plan.locale,
			status: plan.status,
			ownerId,
			sharedWithId,
			shareMode: plan.share?.mode ?? null,
			publishedAt,
			publishedById: publishedAt ? ownerId : null,
			lastReviewedAt: reviewedAt,
			lastReviewedById: plan.reviewed ? ids(plan.reviewed.by) : null,
			summaryText,
			search: searchVector(plan.title, summaryText),
			createdById: ownerId,
			createdAt,
			updatedAt: ago(Math.min(plan.reviewed?.daysAgo ?? 2, 2), index)
		});
		const stored = ago(Math.min(plan.reviewed?.daysAgo ?? 1, 1), index);
		for (const [document, state] of [
			['shared', stages[stages.length - 1]],
			['internal', Y.encodeStateAsUpdate(internal)]
		] as const) {
			documentRows.push({
				name: planDocumentName(id, document),
				planId: id,
				document,
				state,
				stateVector: Y.encodeStateVectorFromUpdate(state),
				byteSize: state.byteLength,
				updatedAt: stored
			});
		}
		// The mirror of the actions section, as store.ts writes it after each store.
		for (const [position, action] of readRows(doc, 'actions').entries()) {
			actionRows.push({
				planId: id,
				actionId: action.id,
				title: action.title,
				ownerId: action.ownerId || null,
				dueDate: action.due || null,
				status: action.status,
				position,
				updatedAt: stored
			});
		}

		// Versions: an automatic one while the plan was written, a named one when it was published.
		const partnerEditor =
			plan.share?.mode === 'editor'
				? DEMO_USERS.find((u) => u.organisation === plan.share!.partner)
				: undefined;
		const span = plan.createdDaysAgo - (plan.publishedDaysAgo ?? 1);
		const versions = [
			{
				kind: 'auto' as const,
				name: null,
				stage: 0,
				daysAgo: plan.createdDaysAgo - span / 2,
				authors: [ownerId, ...(partnerEditor ? [ids(partnerEditor.email)] : [])]
			},
			...(plan.publishedDaysAgo === null
				? []
				: [
						{
							kind: 'named' as const,
							name:
								plan.locale === 'fr'
									? 'Version présentée au comité de pilotage'
									: 'Version shown to the steering committee',
							stage: 1,
							daysAgo: plan.publishedDaysAgo + 0.1,
							authors: [ownerId]
						}
					])
		];
		versionRows.push(
			...versions.map((v, i) => ({
				planId: id,
				document: 'shared' as const,
				kind: v.kind,
				name: v.name,
				state: stages[v.stage],
				authorIds: v.authors,
				charsAdded: sizes[v.stage] - (i === 0 ? 0 : sizes[versions[i - 1].stage]),
				charsRemoved: 0,
				createdById: v.kind === 'named' ? ownerId : null,
				createdAt: ago(v.daysAgo, index)
			}))
		);

		commentRows.push(
			...threadRows({
				planId: id,
				threads: plan.threads,
				docs: { shared: doc, internal },
				ids,
				withIds,
				at: (days, i) => ago(days, index * 10 + i)
			})
		);

		// The feed tells the plan's story at the dates it happened, as the plan commands record it.
		const story = [
			{ actorId: ownerId, verb: 'plan.created', createdAt },
			publishedAt && { actorId: ownerId, verb: 'plan.published', createdAt: publishedAt },
			reviewedAt &&
				plan.reviewed && {
					actorId: ids(plan.reviewed.by),
					verb: 'plan.reviewed',
					createdAt: reviewedAt
				}
		].filter((row): row is { actorId: string; verb: string; createdAt: Date } => !!row);
		feedRows.push(
			...story.map((row) => ({
				...row,
				// As plans.ts records them: creation is the partner's news only for its own plan;
				// publishing and reviewing reach the partner the plan is shared with.
				organisationId:
					row.verb === 'plan.created' && plan.kind === 'account' ? null : sharedWithId,
				objectType: 'plan',
				objectId: id,
				data: { title: plan.title }
			}))
		);
		// The partner's admins were told when the plan was shared with them.
		if (plan.share) {
			for (const admin of DEMO_USERS.filter(
				(u) => u.organisation === plan.share!.partner && u.role === 'partner_admin'
			)) {
				noticeRows.push({
					userId: ids(admin.email),
					kind: 'plan_shared',
					data: { title: plan.title },
					link: `/plans/${id}`,
					createdAt,
					readAt: plan.createdDaysAgo > 7 ? ago(plan.createdDaysAgo - 1, index) : null
				});
			}
		}
		doc.destroy();
		internal.destroy();
	}

	await tx.insert(plans).values(planRows);
	await tx.insert(planDocuments).values(documentRows);
	await tx.insert(planActions).values(actionRows);
	await tx.insert(planVersions).values(versionRows);
	await tx.insert(planComments).values(commentRows);
	await tx.insert(activities).values(feedRows);
	if (noticeRows.length > 0) await tx.insert(notifications).values(noticeRows);
	return {
		plans: planRows.length,
		versions: versionRows.length,
		comments: commentRows.length,
		ms: performance.now() - started,
		cpuMs: cpuMsSince(startedCpu)
	};
}

function threadRows(input: {
	planId: string;
	threads: DemoThread[];
	docs: { shared: Y.Doc; internal: Y.Doc };
	ids: (email: string) => string;
	withIds: (body: string) => string;
	at: (days: number, index: number) => Date;
}): (typeof planComments.$inferInsert)[] {
	const rows: (typeof planComments.$inferInsert)[] = [];
	for (const [t, thread] of input.threads.entries()) {
		const field = thread.document === 'shared' ? SUMMARY_FIELD : NOTES_FIELD;
		const anchored = anchorOn(input.docs[thread.document], field, thread.quoteLength);
		const rootId = randomUUID();
		for (const [c, comment] of thread.comments.entries()) {
			rows.push({
				id: c === 0 ? rootId : randomUUID(),
				planId: input.planId,
				document: thread.document,
				parentId: c === 0 ? null : rootId,
				anchor: c === 0 ? (anchored?.anchor ?? null) : null,
				quote: c === 0 ? (anchored?.quote ?? null) : null,
				body: input.withIds(comment.body),
				authorId: input.ids(comment.author),
				resolvedAt: c === 0 && thread.resolved ? input.at(thread.resolved.daysAgo, t) : null,
				resolvedById: c === 0 && thread.resolved ? input.ids(thread.resolved.by) : null,
				createdAt: input.at(comment.daysAgo, t * 3 + c)
			});
		}
	}
	return rows;
}
