import { describe, expect, it } from 'vitest';
import { invitationEmail, passwordResetEmail } from '../../src/lib/server/mail/templates.ts';

const expiresAt = new Date('2026-03-12T13:00:00Z');
const link = 'https://relais.example/invitation/abc123';

describe('the e-mail templates', () => {
	it('writes the invitation in French with the link and the expiry in Paris time', () => {
		const mail = invitationEmail({
			locale: 'fr',
			inviterName: 'Claire Morel',
			organisationName: 'Alpha',
			link,
			expiresAt,
			timeZone: 'Europe/Paris'
		});
		expect(mail.subject).toBe('Claire Morel vous invite à rejoindre Alpha sur Relais');
		expect(mail.text).toContain(`\n${link}\n`);
		expect(mail.text).toContain('12 mars 2026');
		expect(mail.text).toContain('14:00');
	});

	it('writes the invitation in English', () => {
		const mail = invitationEmail({
			locale: 'en',
			inviterName: 'Claire Morel',
			organisationName: 'Alpha',
			link,
			expiresAt,
			timeZone: 'Europe/Paris'
		});
		expect(mail.subject).toBe('Claire Morel invited you to join Alpha on Relais');
		expect(mail.text).toContain(link);
		expect(mail.text).toContain('March 12, 2026');
	});

	it('writes the password reset in both languages', () => {
		const fr = passwordResetEmail({ locale: 'fr', link, expiresAt, timeZone: 'Europe/Paris' });
		const en = passwordResetEmail({ locale: 'en', link, expiresAt, timeZone: 'Europe/Paris' });
		expect(fr.subject).toBe('Réinitialisation de votre mot de passe Relais');
		expect(en.subject).toBe('Reset your Relais password');
		expect(fr.text).toContain(link);
		expect(en.text).toContain(link);
	});

	it("writes the expiry in the recipient's time zone, and says which", () => {
		const paris = passwordResetEmail({ locale: 'en', link, expiresAt, timeZone: 'Europe/Paris' });
		const newYork = passwordResetEmail({
			locale: 'en',
			link,
			expiresAt,
			timeZone: 'America/New_York'
		});
		expect(paris.text).toMatch(/March 12, 2026 at 02:00\sPM GMT\+1/);
		expect(newYork.text).toMatch(/March 12, 2026 at 09:00\sAM EDT/);
	});

	it('refuses a link that is not absolute', () => {
		expect(() =>
			passwordResetEmail({ locale: 'en', link: '/reset/abc', expiresAt, timeZone: 'UTC' })
		).toThrow(/absolute/);
	});
});
