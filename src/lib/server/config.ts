import { z } from 'zod';

// Every variable is documented in .env.example; the server fails fast on a bad value.
const envSchema = z.object({
	NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
	HOST: z.string().min(1).default('127.0.0.1'),
	PORT: z.coerce.number().int().min(0).max(65535).default(3000),
	ORIGIN: z.url().optional(),
	DATABASE_URL: z.string().min(1).optional(),
	RELAIS_DATA_DIR: z.string().min(1).default('./data'),
	RELAIS_CURRENCY: z
		.string()
		.regex(/^[A-Z]{3}$/, 'RELAIS_CURRENCY must be an ISO 4217 code such as EUR')
		.default('EUR'),
	RELAIS_SEED: z.enum(['demo', 'none']).default('demo'),
	RELAIS_JOBS: z.enum(['on', 'off']).default('on'),
	RELAIS_REGISTRATION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
	SMTP_URL: z.string().min(1).optional(),
	MAIL_FROM: z.string().min(3).default('Relais <no-reply@relais.test>'),
	REDIS_URL: z.string().min(1).optional(),
	LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')
});

export type Config = {
	env: 'development' | 'production' | 'test';
	host: string;
	port: number;
	origin?: string;
	databaseUrl?: string;
	dataDir: string;
	currency: string;
	seed: 'demo' | 'none';
	jobs: boolean;
	/** How long an approved deal registration protects the partner's deal (days). */
	registrationDays: number;
	smtpUrl?: string;
	mailFrom: string;
	redisUrl?: string;
	logLevel: string;
};

export class ConfigError extends Error {}

/** Reads the process environment (or any record) into a typed config, or throws a readable error. */
export function loadConfig(env: Record<string, string | undefined>): Config {
	// Empty strings in .env files mean "not set".
	const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
	const parsed = envSchema.safeParse(cleaned);
	if (!parsed.success) {
		const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
		throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
	}
	const e = parsed.data;
	return {
		env: e.NODE_ENV,
		host: e.HOST,
		port: e.PORT,
		origin: e.ORIGIN,
		databaseUrl: e.DATABASE_URL,
		dataDir: e.RELAIS_DATA_DIR,
		currency: e.RELAIS_CURRENCY,
		seed: e.RELAIS_SEED,
		jobs: e.RELAIS_JOBS === 'on',
		registrationDays: e.RELAIS_REGISTRATION_DAYS,
		smtpUrl: e.SMTP_URL,
		mailFrom: e.MAIL_FROM,
		redisUrl: e.REDIS_URL,
		logLevel: e.LOG_LEVEL
	};
}
