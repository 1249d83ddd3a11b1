import pino from 'pino';

export type Logger = pino.Logger;

/** JSON lines in production; readable, coloured lines in development. */
export function createLogger(options: { level: string; pretty: boolean }): Logger {
	if (!options.pretty) return pino({ level: options.level });
	return pino({
		level: options.level,
		transport: {
			target: 'pino-pretty',
			options: { translateTime: 'HH:MM:ss', ignore: 'pid,hostname' }
		}
	});
}
