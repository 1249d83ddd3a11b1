import type { PostItem, TimelinePage } from '$lib/shared/feed';
import { fetchPost, fetchTimeline } from './api';

// The posts a page shows, kept in the browser: "load more" appends older pages, the "N new posts"
// bar fetches what is newer, and a live event about a post on screen replaces that post in place.

export class PostList {
	items = $state<PostItem[]>([]);

	constructor(items: PostItem[] = []) {
		this.items = items;
	}

	has(id: string): boolean {
		return this.items.some((post) => post.id === id);
	}

	replace(post: PostItem): void {
		this.items = this.items.map((item) => (item.id === post.id ? post : item));
	}

	remove(id: string): void {
		this.items = this.items.filter((item) => item.id !== id);
	}

	/** Fetches a post again (after a live event or one of our own actions) and shows it as it is now. */
	async refresh(id: string): Promise<void> {
		if (!this.has(id)) return;
		const post = await fetchPost(id);
		if (post) this.replace(post);
		else this.remove(id);
	}
}

export class FeedTimeline extends PostList {
	nextCursor = $state<string | null>(null);
	/** New posts by others announced live, not shown yet (the "N new posts" bar). */
	pending = $state(0);
	loading = $state(false);
	failed = $state(false);
	/** The last thing to tell screen readers ("5 more posts loaded"). */
	announcement = $state('');
	readonly channelId: string | null;

	constructor(page: TimelinePage, channelId: string | null) {
		super(page.items);
		this.nextCursor = page.nextCursor;
		this.channelId = channelId;
	}

	reset(page: TimelinePage): void {
		this.items = page.items;
		this.nextCursor = page.nextCursor;
		this.pending = 0;
	}

	/** The next (older) page; returns the posts it added. */
	async loadMore(): Promise<PostItem[]> {
		if (!this.nextCursor || this.loading) return [];
		this.loading = true;
		this.failed = false;
		try {
			const page = await fetchTimeline({ channel: this.channelId, cursor: this.nextCursor });
			const added = page.items.filter((post) => !this.has(post.id));
			this.items = [...this.items, ...added];
			this.nextCursor = page.nextCursor;
			return added;
		} catch {
			this.failed = true;
			return [];
		} finally {
			this.loading = false;
		}
	}

	/** The posts newer than the newest shown, prepended; returns them (newest first). */
	async loadNew(): Promise<PostItem[]> {
		if (this.loading) return [];
		this.loading = true;
		this.failed = false;
		try {
			const newest = this.items.find((post) => !post.pinned) ?? this.items[0];
			const page = await fetchTimeline({ channel: this.channelId, after: newest?.id ?? null });
			const added = page.items.filter((post) => !this.has(post.id));
			this.items = [...added, ...this.items];
			this.pending = 0;
			return added;
		} catch {
			this.failed = true;
			return [];
		} finally {
			this.loading = false;
		}
	}

	/** One of our own posts: shown at once, at the top. */
	async showOwn(id: string): Promise<void> {
		if (this.has(id)) return;
		const post = await fetchPost(id);
		if (post && !this.has(id)) this.items = [post, ...this.items];
	}
}
