import type { SQL } from 'drizzle-orm';
import { searchVector } from './scope.ts';

// What each CRM record is found by, in one place: the CRM commands, the deal approvals, the CSV
// imports and the demo seed all fill the `search` column with these.

type Text = string | null | undefined;

export function accountSearch(a: {
	name: string;
	domain?: Text;
	siren?: Text;
	vatId?: Text;
	industry?: Text;
}): SQL {
	return searchVector(a.name, a.domain, a.siren, a.vatId, a.industry);
}

export function contactSearch(
	c: { name: string; email?: Text; jobTitle?: Text; phone?: Text },
	accountName?: Text
): SQL {
	return searchVector(c.name, c.email, c.jobTitle, c.phone, accountName);
}

export function opportunitySearch(
	o: { name: string; products?: Text; nextStep?: Text },
	accountName?: Text
): SQL {
	return searchVector(o.name, accountName, o.products, o.nextStep);
}
