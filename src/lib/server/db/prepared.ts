import { is, Placeholder, sql } from 'drizzle-orm';
import type { Db } from './client.ts';

// drizzle renders a query's SQL afresh on every call and, on postgres.js, sends it unprepared (the
// server parses and plans it each time) unless it was built once with placeholders and
// `.prepare(name)` (bench/session.ts, bench/crm.ts). Reads whose SQL depends on their inputs
// (which filters are set, which keys are known) are therefore built once per *shape*: the
// structure of the statement, never its values, which are placeholders bound at execution.
//
// The rule that keeps this safe: every value that varies between calls goes through `bind`, and
// every choice that changes the SQL without a value goes through `mark`. A value written into the
// statement directly would be reused by the next call of the same shape.

export type Values = Record<string, unknown>;

/** What drizzle's `.prepare()` returns, as far as the callers need it. */
export type Executable<T> = {
	execute(values?: Values): Promise<T>;
	getQuery(): { sql: string; params: unknown[] };
};

/** The shape (cache key) and the values of one call. */
export class Shape {
	readonly name: string;
	readonly #parts: string[];
	readonly values: Values = {};

	/** `name`: for drizzle's `.prepare(name)` (postgres.js and PGlite name their statements themselves). */
	constructor(name: string) {
		this.name = name;
		this.#parts = [name];
	}

	/** A structural choice that changes the SQL but carries no value. */
	mark(part: string): void {
		this.#parts.push(part);
	}

	/** A value: a placeholder in the statement, `value` at this execution. */
	bind(name: string, value: unknown): Placeholder<string, unknown> {
		this.#parts.push(`$${name}`);
		this.values[name] = value;
		return sql.placeholder(name);
	}

	get key(): string {
		return this.#parts.join('|');
	}
}

const cache = new WeakMap<Db, Map<string, Executable<unknown>>>();

// Under the test runner every call also builds its statement afresh and compares it with the
// cached one: a shape that forgot a `mark`, or a value written in without `bind`, fails the test
// that runs two calls of the same shape.
const verify = Boolean(process.env.VITEST);

const comparable = (query: { sql: string; params: unknown[] }) =>
	JSON.stringify([
		query.sql,
		query.params.map((p) => (is(p, Placeholder) ? { placeholder: p.name } : p))
	]);

/**
 * Runs the statement of this shape on `db`, building and preparing it on the first call of the
 * shape only. The cache lives as long as the Db (a transaction, being a Db of its own, gets its own).
 */
export function runPrepared<T>(
	db: Db,
	shape: Shape,
	build: (name: string) => Executable<T>
): Promise<T> {
	let statements = cache.get(db);
	if (!statements) {
		statements = new Map();
		cache.set(db, statements);
	}
	const key = shape.key;
	let statement = statements.get(key) as Executable<T> | undefined;
	if (!statement) {
		statement = build(shape.name);
		statements.set(key, statement);
	} else if (verify) {
		const fresh = comparable(build(shape.name).getQuery());
		if (fresh !== comparable(statement.getQuery())) {
			throw new Error(`Prepared statement shape ${key} differs between calls: ${fresh}`);
		}
	}
	return statement.execute(shape.values);
}
