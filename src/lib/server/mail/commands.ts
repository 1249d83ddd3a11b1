import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { emailOutbox } from '../db/schema.ts';
import { enqueueJob } from '../jobs/commands.ts';

export const MAIL_DELIVER_JOB = 'mail.deliver';

export type OutgoingEmail = {
	to: string;
	subject: string;
	text: string;
	/** What the message is for ('invitation', 'password_reset'…): shown on the Outbox page. */
	kind: string;
};

/** What queueEmail needs from the config: pass `locals.runtime.config` (or any Config). */
export type MailSettings = { smtpUrl?: string };

export type QueuedEmail = { id: string; status: 'pending' | 'kept' };

/**
 * Stores a message in the outbox. With SMTP configured it is 'pending' and a delivery job is
 * enqueued in the same transaction; without, it is 'kept' for the admin Outbox page.
 */
export async function queueEmail(
	db: Db,
	email: OutgoingEmail,
	settings: MailSettings
): Promise<QueuedEmail> {
	const to = email.to.trim();
	if (!to || /[\r\n]/.test(to)) throw new Error('An e-mail needs one recipient address');
	const status = settings.smtpUrl ? 'pending' : 'kept';
	return db.transaction(async (tx) => {
		const [row] = await tx
			.insert(emailOutbox)
			.values({
				toAddress: to,
				// A subject is one line, whatever the caller built it from.
				subject: email.subject.replace(/[\r\n]+/g, ' ').trim(),
				bodyText: email.text,
				kind: email.kind,
				status
			})
			.returning({ id: emailOutbox.id });
		if (status === 'pending') await enqueueJob(tx, MAIL_DELIVER_JOB, { emailId: row.id });
		return { id: row.id, status };
	});
}

export async function markEmailSent(db: Db, id: string): Promise<void> {
	await db
		.update(emailOutbox)
		.set({
			status: 'sent',
			sentAt: sql`now()`,
			attempts: sql`${emailOutbox.attempts} + 1`,
			lastError: null
		})
		.where(eq(emailOutbox.id, id));
}

/** A failed attempt: still 'pending' while the job will retry, 'failed' after the last one. */
export async function recordEmailFailure(
	db: Db,
	id: string,
	error: string,
	final: boolean
): Promise<void> {
	await db
		.update(emailOutbox)
		.set({
			status: final ? 'failed' : 'pending',
			attempts: sql`${emailOutbox.attempts} + 1`,
			lastError: error.slice(0, 2000)
		})
		.where(eq(emailOutbox.id, id));
}

/** SMTP was switched off after the message was queued: keep it for the Outbox page. */
export async function keepEmail(db: Db, id: string): Promise<void> {
	await db.update(emailOutbox).set({ status: 'kept' }).where(eq(emailOutbox.id, id));
}
