// A draft per channel (and per post for comments) in sessionStorage, so a reload or a failed post
// never loses what was typed. Quietly does nothing where storage is unavailable.

const PREFIX = 'relais.feed.draft.';

export function loadDraft(key: string): string {
	try {
		return sessionStorage.getItem(PREFIX + key) ?? '';
	} catch {
		return '';
	}
}

export function saveDraft(key: string, text: string): void {
	try {
		if (text.trim()) sessionStorage.setItem(PREFIX + key, text);
		else sessionStorage.removeItem(PREFIX + key);
	} catch {
		// Storage full or disabled: the text stays in the field.
	}
}

export const clearDraft = (key: string) => saveDraft(key, '');
