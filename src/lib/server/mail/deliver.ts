import nodemailer from 'nodemailer';
import type { Config } from '../config.ts';
import type { JobHandlers } from '../jobs/runner.ts';
import type { Logger } from '../log/index.ts';
import { keepEmail, MAIL_DELIVER_JOB, markEmailSent, recordEmailFailure } from './commands.ts';
import { getEmail } from './queries.ts';

type Transport = ReturnType<typeof nodemailer.createTransport>;

/**
 * The job that sends one outbox message with SMTP. A failure is recorded on the message and
 * rethrown, so the job runner retries it with backoff and finally marks both failed.
 */
export function mailJobHandlers(
	config: Pick<Config, 'smtpUrl' | 'mailFrom'>,
	log: Logger
): JobHandlers {
	let transport: Transport | null = null;
	return {
		async [MAIL_DELIVER_JOB](payload, ctx) {
			const emailId = typeof payload.emailId === 'string' ? payload.emailId : '';
			const email = await getEmail(ctx.db, emailId);
			if (!email) {
				// Nothing to retry: the message is gone (or the job was malformed).
				ctx.log.warn({ emailId }, 'mail.deliver: no such message');
				return;
			}
			if (email.status === 'sent') return;
			if (!config.smtpUrl) {
				await keepEmail(ctx.db, email.id);
				return;
			}
			transport ??= nodemailer.createTransport(config.smtpUrl);
			try {
				await transport.sendMail({
					from: config.mailFrom,
					to: email.to,
					subject: email.subject,
					text: email.text
				});
			} catch (error) {
				const message = error instanceof Error ? error.message : String(error);
				await recordEmailFailure(ctx.db, email.id, message, ctx.attempt >= ctx.maxAttempts);
				throw error;
			}
			await markEmailSent(ctx.db, email.id);
			log.info({ emailId: email.id, kind: email.kind }, 'e-mail sent');
		}
	};
}
