import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { notifications, plans, users } from '../db/schema.ts';
import { enqueueNextRun, scheduleRecurringJob, type JobHandlers } from '../jobs/index.ts';
import { queueEmail, type MailSettings } from '../mail/index.ts';
import { notify } from '../notifications/index.ts';
import type { Locale } from '../../shared/enums.ts';

// The weekly review reminder, run by the job runner: the owner of a plan nobody marked reviewed in
// the last week gets a notification and an e-mail, at most once a week per plan. The reminder
// notification itself is the ledger ("when was this plan last reminded"), so no extra state is
// kept; each plan is decided under its row lock, so two runners never remind twice. Nothing goes
// to the feed: a reminder is a private nudge, not news.

export const PLANS_REMIND_JOB = 'plans.review_reminders';
/** The notification kind (messages/plans: plans_reminder_notification). */
export const PLAN_REVIEW_REMINDER_KIND = 'plan_review_due';
/** A plan not reviewed for this long is due a reminder, and reminded at most this often. */
export const REVIEW_REMINDER_DAYS = 7;
/** The job looks for due plans this often (a reminder still goes at most once a week per plan). */
export const REMINDER_INTERVAL_MS = 60 * 60 * 1000;
/** Plans handled per run; the next run takes the rest. */
const BATCH = 200;
const DAY_MS = 24 * 60 * 60 * 1000;

export type ReminderSettings = MailSettings & {
	/** Absolute origin of the app, for the link in the e-mail. */
	origin: string;
};

export type ReminderResult = { sent: number };

const at = (date: Date) => sql`${date.toISOString()}::timestamptz`;

/** SQL: no reminder about this plan since `since`. */
function notRemindedSince(since: Date) {
	return sql`not exists (select 1 from ${notifications}
		where ${notifications.kind} = ${PLAN_REVIEW_REMINDER_KIND}
		and ${notifications.data} ->> 'planId' = ${plans.id}::text
		and (${notifications.data} ->> 'remindedAt')::timestamptz > ${at(since)})`;
}

/** SQL: the plan is alive, its owner active, and it is due a reminder at `now`. */
function dueAt(now: Date) {
	const weekAgo = new Date(now.getTime() - REVIEW_REMINDER_DAYS * DAY_MS);
	return and(
		isNull(plans.deletedAt),
		sql`coalesce(${plans.lastReviewedAt}, ${plans.createdAt}) < ${at(weekAgo)}`,
		notRemindedSince(weekAgo),
		eq(users.active, true)
	);
}

/** Sends the reminders due at `now` (injected in tests); each plan in its own transaction. */
export async function sendReviewReminders(
	db: Db,
	settings: ReminderSettings,
	now: Date = new Date()
): Promise<ReminderResult> {
	const due = await db
		.select({ id: plans.id })
		.from(plans)
		.innerJoin(users, eq(users.id, plans.ownerId))
		.where(dueAt(now))
		.orderBy(plans.createdAt)
		.limit(BATCH);
	let sent = 0;
	for (const { id } of due) {
		if (await remindOne(db, id, settings, now)) sent += 1;
	}
	return { sent };
}

async function remindOne(
	db: Db,
	planId: string,
	settings: ReminderSettings,
	now: Date
): Promise<boolean> {
	return db.transaction(async (tx) => {
		// Lock first, then re-check in a new statement: under READ COMMITTED it sees the reminder a
		// runner that held the lock before us committed.
		await tx.select({ id: plans.id }).from(plans).where(eq(plans.id, planId)).for('update');
		const [plan] = await tx
			.select({
				id: plans.id,
				title: plans.title,
				lastReviewedAt: plans.lastReviewedAt,
				createdAt: plans.createdAt,
				ownerId: users.id,
				ownerName: users.name,
				ownerEmail: users.email,
				ownerLocale: users.locale
			})
			.from(plans)
			.innerJoin(users, eq(users.id, plans.ownerId))
			.where(and(eq(plans.id, planId), dueAt(now)));
		if (!plan) return false;
		const since = plan.lastReviewedAt ?? plan.createdAt;
		const days = Math.floor((now.getTime() - since.getTime()) / DAY_MS);
		const link = `/plans/${plan.id}`;
		await notify(tx, {
			userIds: [plan.ownerId],
			kind: PLAN_REVIEW_REMINDER_KIND,
			data: {
				planId: plan.id,
				title: plan.title,
				days,
				reviewed: plan.lastReviewedAt !== null,
				remindedAt: now.toISOString()
			},
			link
		});
		const email = reviewReminderEmail({
			locale: plan.ownerLocale,
			name: plan.ownerName,
			title: plan.title,
			days,
			reviewed: plan.lastReviewedAt !== null,
			link: `${settings.origin.replace(/\/$/, '')}${link}`
		});
		await queueEmail(
			tx,
			{ to: plan.ownerEmail, subject: email.subject, text: email.text, kind: 'plan_review' },
			settings
		);
		return true;
	});
}

/** The reminder e-mail, plain text, in the owner's language. */
export function reviewReminderEmail(input: {
	locale: Locale;
	name: string;
	title: string;
	days: number;
	reviewed: boolean;
	link: string;
}): { subject: string; text: string } {
	if (input.locale === 'fr') {
		return {
			subject: `Plan à revoir : ${input.title}`,
			text: [
				`Bonjour ${input.name},`,
				'',
				input.reviewed
					? `Le plan « ${input.title} » n’a pas été revu depuis ${input.days} jours.`
					: `Le plan « ${input.title} » n’a pas encore été revu (créé il y a ${input.days} jours).`,
				'Relisez les actions et les objectifs avec l’équipe, puis cliquez sur « Marquer comme revu » :',
				input.link,
				'',
				'Vous recevez ce rappel une fois par semaine tant que le plan n’est pas revu.',
				'',
				'— Relais'
			].join('\n')
		};
	}
	return {
		subject: `Plan to review: ${input.title}`,
		text: [
			`Hello ${input.name},`,
			'',
			input.reviewed
				? `The plan “${input.title}” has not been reviewed for ${input.days} days.`
				: `The plan “${input.title}” has not been reviewed yet (created ${input.days} days ago).`,
			'Go through its actions and goals with the team, then click “Mark reviewed”:',
			input.link,
			'',
			'You get this reminder once a week until the plan is reviewed.',
			'',
			'— Relais'
		].join('\n')
	};
}

/** At start: enqueues the first reminder run unless one is already waiting. */
export async function schedulePlanJobs(db: Db): Promise<void> {
	await scheduleRecurringJob(db, PLANS_REMIND_JOB);
}

/** The app's absolute origin for e-mail links (ORIGIN, else the address it listens on). */
export function appOrigin(config: Pick<Config, 'origin' | 'host' | 'port'>): string {
	if (config.origin) return config.origin.replace(/\/$/, '');
	const host = ['0.0.0.0', '::'].includes(config.host) ? 'localhost' : config.host;
	return `http://${host}:${config.port}`;
}

/** The handlers of the plan jobs; the reminder job enqueues its next run itself. */
export function planJobHandlers(config: Config): JobHandlers {
	return {
		[PLANS_REMIND_JOB]: async (_payload, ctx) => {
			const result = await sendReviewReminders(ctx.db, {
				smtpUrl: config.smtpUrl,
				origin: appOrigin(config)
			});
			if (result.sent > 0) ctx.log.info(result, 'plan review reminders sent');
			await enqueueNextRun(ctx.db, PLANS_REMIND_JOB, ctx.jobId, REMINDER_INTERVAL_MS);
		}
	};
}
