export {
	queueEmail,
	markEmailSent,
	recordEmailFailure,
	keepEmail,
	MAIL_DELIVER_JOB,
	type OutgoingEmail,
	type MailSettings,
	type QueuedEmail
} from './commands.ts';
export { listOutbox, getEmail, type OutboxItem } from './queries.ts';
export { mailJobHandlers } from './deliver.ts';
export {
	invitationEmail,
	passwordResetEmail,
	type EmailContent,
	type InvitationEmailInput,
	type PasswordResetEmailInput
} from './templates.ts';
