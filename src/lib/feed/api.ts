import type { CommentItem, PersonLabel, PostItem, TimelinePage } from '$lib/shared/feed';
import type { ReferenceKind } from '$lib/shared/tokens';

// The browser side of the feed's JSON endpoints (/api/feed/…). Every answer is what the signed-in
// person may see; a 404 means the post is gone for them (deleted, hidden, or never theirs).

export type ReferenceCandidate = { kind: ReferenceKind; id: string; label: string };

async function getJson<T>(url: string, signal?: AbortSignal): Promise<T | null> {
	const response = await fetch(url, { signal, headers: { accept: 'application/json' } });
	if (response.status === 404) return null;
	if (!response.ok) throw new Error(`HTTP ${response.status}`);
	return (await response.json()) as T;
}

export function fetchPost(id: string): Promise<PostItem | null> {
	return getJson<PostItem>(`/api/feed/posts/${id}`);
}

export async function fetchComments(id: string): Promise<CommentItem[]> {
	return (await getJson<{ items: CommentItem[] }>(`/api/feed/posts/${id}/comments`))?.items ?? [];
}

export async function fetchTimeline(query: {
	channel?: string | null;
	cursor?: string | null;
	after?: string | null;
}): Promise<TimelinePage> {
	const params = new URLSearchParams();
	if (query.channel) params.set('channel', query.channel);
	if (query.cursor) params.set('cursor', query.cursor);
	if (query.after) params.set('after', query.after);
	return (
		(await getJson<TimelinePage>(`/api/feed/timeline?${params}`)) ?? { items: [], nextCursor: null }
	);
}

export async function searchPeople(
	channel: string,
	q: string,
	signal?: AbortSignal,
	post?: string
): Promise<PersonLabel[]> {
	const params = new URLSearchParams({ channel, q });
	if (post) params.set('post', post);
	return (
		(await getJson<{ items: PersonLabel[] }>(`/api/feed/people?${params}`, signal))?.items ?? []
	);
}

export async function searchReferences(
	q: string,
	signal?: AbortSignal
): Promise<ReferenceCandidate[]> {
	const params = new URLSearchParams({ q });
	return (
		(await getJson<{ items: ReferenceCandidate[] }>(`/api/feed/references?${params}`, signal))
			?.items ?? []
	);
}
