import { sql, type SQL } from 'drizzle-orm';
import { searchDocument } from '../../shared/normalise.ts';

// The `search` columns of CRM records (and plans, posts). Who may see which rows: access/crm-scope.ts.

/** The value of a `search` column from a text already folded (foldText). */
export function foldedSearchVector(folded: string): SQL {
	return sql`to_tsvector('simple', ${folded})`;
}

/** The value of a `search` column: to_tsvector over the folded text of the parts. */
export function searchVector(...parts: (string | null | undefined)[]): SQL {
	return sql`to_tsvector('simple', ${searchDocument(...parts)})`;
}
