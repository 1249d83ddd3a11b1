export const PGLITE_TEMPLATE = '.test-data/pglite-template.tar.gz';

/** The migrated template database beside the one DATABASE_URL names. */
export function templateDatabaseUrl(url: string): string {
	const u = new URL(url);
	u.pathname = `${u.pathname.slice(1) || 'relais'}_template`;
	return u.toString();
}
