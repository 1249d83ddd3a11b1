import { DEFAULT_TIME_ZONE, formatDate } from '../../format/index.ts';
import type { Locale } from '../../shared/enums.ts';

// The texts of the e-mails the demo outbox holds. They mirror what the invitation and welcome
// flows send, but are written here so the seed depends on no other module's wording.

export type SeedMail = { subject: string; text: string };

export function invitationMail(input: {
	locale: Locale;
	inviterName: string;
	organisationName: string;
	link: string;
	expiresAt: Date;
}): SeedMail {
	const until = formatDate(input.expiresAt, { locale: input.locale, timeZone: DEFAULT_TIME_ZONE });
	if (input.locale === 'en') {
		return {
			subject: `${input.inviterName} invites you to join ${input.organisationName} on Relais`,
			text: [
				'Hello,',
				'',
				`${input.inviterName} invites you to join ${input.organisationName} on Relais.`,
				`Choose your name and a password here (valid until ${until}):`,
				input.link,
				'',
				'If you did not expect this invitation, you can ignore this message.'
			].join('\n')
		};
	}
	return {
		subject: `${input.inviterName} vous invite à rejoindre ${input.organisationName} sur Relais`,
		text: [
			'Bonjour,',
			'',
			`${input.inviterName} vous invite à rejoindre ${input.organisationName} sur Relais.`,
			`Choisissez votre nom et un mot de passe ici (lien valable jusqu’au ${until}) :`,
			input.link,
			'',
			'Si vous n’attendiez pas cette invitation, vous pouvez ignorer ce message.'
		].join('\n')
	};
}

export function welcomeMail(input: {
	locale: Locale;
	name: string;
	organisationName: string;
	link: string;
}): SeedMail {
	if (input.locale === 'en') {
		return {
			subject: `Welcome to ${input.organisationName} on Relais`,
			text: [
				`Hello ${input.name},`,
				'',
				`Your account in the ${input.organisationName} workspace is ready.`,
				`Sign in here: ${input.link}`,
				'',
				'See you soon on Relais.'
			].join('\n')
		};
	}
	return {
		subject: `Bienvenue dans l’espace ${input.organisationName} sur Relais`,
		text: [
			`Bonjour ${input.name},`,
			'',
			`Votre compte dans l’espace ${input.organisationName} est prêt.`,
			`Connectez-vous ici : ${input.link}`,
			'',
			'À bientôt sur Relais.'
		].join('\n')
	};
}
