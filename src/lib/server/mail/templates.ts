import type { Locale } from '../../shared/enums.ts';

// Plain-text e-mails in the recipient's language. Plain text needs no escaping; links are absolute
// because a mail client has no base URL.

export type EmailContent = { subject: string; text: string };

export type InvitationEmailInput = {
	locale: Locale;
	inviterName: string;
	organisationName: string;
	link: string;
	expiresAt: Date;
	timeZone?: string;
};

export type PasswordResetEmailInput = {
	locale: Locale;
	link: string;
	expiresAt: Date;
	timeZone?: string;
};

function absolute(link: string): string {
	if (!/^https?:\/\/[^/\s]+/.test(link)) throw new Error('E-mail links must be absolute URLs');
	return link;
}

function formatExpiry(locale: Locale, at: Date, timeZone = 'Europe/Paris'): string {
	return new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
		// dateStyle/timeStyle cannot be combined with timeZoneName: spell the fields out.
		day: 'numeric',
		month: 'long',
		year: 'numeric',
		hour: '2-digit',
		minute: '2-digit',
		timeZone,
		timeZoneName: 'short'
	}).format(at);
}

export function invitationEmail(input: InvitationEmailInput): EmailContent {
	const link = absolute(input.link);
	const until = formatExpiry(input.locale, input.expiresAt, input.timeZone);
	if (input.locale === 'fr') {
		return {
			subject: `${input.inviterName} vous invite à rejoindre ${input.organisationName} sur Relais`,
			text: [
				'Bonjour,',
				'',
				`${input.inviterName} vous invite à rejoindre ${input.organisationName} sur Relais.`,
				'',
				'Pour accepter l’invitation, choisissez votre nom et votre mot de passe ici :',
				link,
				'',
				`Ce lien est valable jusqu’au ${until}. Il ne peut servir qu’une fois.`,
				'',
				'Si vous ne vous attendiez pas à cette invitation, ignorez simplement ce message.',
				'',
				'— Relais'
			].join('\n')
		};
	}
	return {
		subject: `${input.inviterName} invited you to join ${input.organisationName} on Relais`,
		text: [
			'Hello,',
			'',
			`${input.inviterName} invited you to join the ${input.organisationName} workspace on Relais.`,
			'',
			'To accept the invitation, choose your name and password here:',
			link,
			'',
			`This link can be used once, until ${until}.`,
			'',
			'If you were not expecting this invitation, you can ignore this message.',
			'',
			'— Relais'
		].join('\n')
	};
}

export function passwordResetEmail(input: PasswordResetEmailInput): EmailContent {
	const link = absolute(input.link);
	const until = formatExpiry(input.locale, input.expiresAt, input.timeZone);
	if (input.locale === 'fr') {
		return {
			subject: 'Réinitialisation de votre mot de passe Relais',
			text: [
				'Bonjour,',
				'',
				'Quelqu’un (vous, nous l’espérons) a demandé à réinitialiser le mot de passe de votre compte Relais.',
				'',
				'Pour choisir un nouveau mot de passe, ouvrez ce lien :',
				link,
				'',
				`Ce lien est valable jusqu’au ${until}. Il ne peut servir qu’une fois.`,
				'',
				'Si vous n’êtes pas à l’origine de cette demande, ignorez ce message : votre mot de passe reste inchangé.',
				'',
				'— Relais'
			].join('\n')
		};
	}
	return {
		subject: 'Reset your Relais password',
		text: [
			'Hello,',
			'',
			'Someone (hopefully you) asked to reset the password of your Relais account.',
			'',
			'To choose a new password, open this link:',
			link,
			'',
			`This link can be used once, until ${until}.`,
			'',
			'If you did not ask for this, ignore this message: your password stays the same.',
			'',
			'— Relais'
		].join('\n')
	};
}
