import { formatDateTime, pluralCategory } from '../../format/index.ts';
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
	/** The recipient's time zone (theirs, else the workspace's). */
	timeZone: string;
};

export type PasswordResetEmailInput = {
	locale: Locale;
	link: string;
	expiresAt: Date;
	/** The recipient's time zone (theirs, else the workspace's). */
	timeZone: string;
};

function absolute(link: string): string {
	if (!/^https?:\/\/[^/\s]+/.test(link)) throw new Error('E-mail links must be absolute URLs');
	return link;
}

/** A moment in the recipient's language and zone, the zone said (an e-mail is read away from the app). */
function formatExpiry(locale: Locale, at: Date, timeZone: string): string {
	return formatDateTime(at, { locale, timeZone, zoneName: true });
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

export type FeedDigestEmailInput = {
	locale: Locale;
	name: string;
	/** Unread feed notifications since the last digest (newest first). */
	notifications: {
		kind: string;
		actorName: string;
		channelName: string;
		snippet?: string;
		emoji?: string;
		name?: string;
	}[];
	/** New posts per joined channel since the last digest. */
	channels: { name: string; count: number }[];
	/** Absolute link to the feed. */
	link: string;
	/** Absolute link to the notification preferences. */
	preferencesLink: string;
};

function digestLine(locale: Locale, n: FeedDigestEmailInput['notifications'][number]): string {
	const tail = n.snippet ? ` — ${n.snippet}` : '';
	if (locale === 'fr') {
		switch (n.kind) {
			case 'feed_mention':
				return `${n.actorName} vous a mentionné dans ${n.channelName}${tail}`;
			case 'feed_reply':
				return `${n.actorName} a commenté votre publication dans ${n.channelName}${tail}`;
			case 'feed_reaction':
				return `${n.actorName} a réagi ${n.emoji ?? ''} à votre publication dans ${n.channelName}`;
			case 'deal_won':
				return `Affaire gagnée : ${n.name ?? ''} (${n.channelName})`;
			default:
				return `${n.actorName} — ${n.channelName}${tail}`;
		}
	}
	switch (n.kind) {
		case 'feed_mention':
			return `${n.actorName} mentioned you in ${n.channelName}${tail}`;
		case 'feed_reply':
			return `${n.actorName} commented on your post in ${n.channelName}${tail}`;
		case 'feed_reaction':
			return `${n.actorName} reacted ${n.emoji ?? ''} to your post in ${n.channelName}`;
		case 'deal_won':
			return `Deal won: ${n.name ?? ''} (${n.channelName})`;
		default:
			return `${n.actorName} — ${n.channelName}${tail}`;
	}
}

/** The daily feed digest: unread feed notifications and new posts per channel. */
export function feedDigestEmail(input: FeedDigestEmailInput): EmailContent {
	const link = absolute(input.link);
	const preferences = absolute(input.preferencesLink);
	const fr = input.locale === 'fr';
	const lines = [fr ? `Bonjour ${input.name},` : `Hello ${input.name},`, ''];
	if (input.notifications.length > 0) {
		lines.push(fr ? 'Pour vous :' : 'For you:');
		for (const n of input.notifications) lines.push(`- ${digestLine(input.locale, n)}`);
		lines.push('');
	}
	if (input.channels.length > 0) {
		lines.push(fr ? 'Nouvelles publications :' : 'New posts:');
		for (const c of input.channels) {
			const one = pluralCategory(c.count, { locale: input.locale }) === 'one';
			lines.push(
				fr
					? `- ${c.name} : ${c.count} ${one ? 'nouvelle publication' : 'nouvelles publications'}`
					: `- ${c.name}: ${c.count} new ${one ? 'post' : 'posts'}`
			);
		}
		lines.push('');
	}
	lines.push(fr ? 'Ouvrir le fil :' : 'Open the feed:', link, '');
	lines.push(
		fr
			? 'Vous recevez ce résumé une fois par jour. Pour l’arrêter :'
			: 'You get this digest once a day. To stop it:',
		preferences,
		'',
		'— Relais'
	);
	const total = input.notifications.length + input.channels.reduce((s, c) => s + c.count, 0);
	const one = pluralCategory(total, { locale: input.locale }) === 'one';
	return {
		subject: fr
			? `Votre résumé Relais : ${total} nouveauté${one ? '' : 's'}`
			: `Your Relais digest: ${total} new item${one ? '' : 's'}`,
		text: lines.join('\n')
	};
}
