import { z } from 'zod';
import { LOCALES } from '../enums.ts';
import { email, password, text } from '../forms.ts';

export const loginSchema = z.object({
	email: email(),
	// Checked against the hash only: no length rule beyond a sane maximum.
	password: z.string().min(1).max(200),
	// Where to go afterwards: a target that is not a string of sane length is dropped (the home page)
	// rather than refusing a correct password; sameOriginPath judges the rest.
	next: z.string().max(2000).optional().catch(undefined)
});

const newPassword = z
	.object({ password: password(), confirm: z.string().max(200) })
	.refine((v) => v.password === v.confirm, {
		path: ['confirm'],
		message: 'error_passwords_differ'
	});

export const acceptInvitationSchema = z
	.object({ name: text(100), password: password(), confirm: z.string().max(200) })
	.refine((v) => v.password === v.confirm, {
		path: ['confirm'],
		message: 'error_passwords_differ'
	});

export const forgotPasswordSchema = z.object({ email: email() });

export const resetPasswordSchema = newPassword;

export const changePasswordSchema = z
	.object({
		current: z.string().min(1).max(200),
		password: password(),
		confirm: z.string().max(200)
	})
	.refine((v) => v.password === v.confirm, {
		path: ['confirm'],
		message: 'error_passwords_differ'
	});

export const localeSchema = z.object({
	locale: z.enum(LOCALES),
	redirectTo: z.string().max(500).optional()
});
