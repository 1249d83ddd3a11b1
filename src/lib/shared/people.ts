import type { Role } from './enums.ts';

/** A person as lists show them (home page, contacts). */
export type Person = {
	id: string;
	name: string;
	email: string;
	role: Role;
	title: string | null;
	organisationName: string;
};
