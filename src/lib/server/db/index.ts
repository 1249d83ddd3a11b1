export { createDb } from './client.ts';
export type { Database, Db, DbOptions, Schema } from './client.ts';
export { migrate } from './migrate.ts';
export { DataDirLockedError } from './lock.ts';
export * as tables from './schema.ts';
