/**
 * Longer targets are dropped: a Location header of a megabyte is refused by clients (and by
 * proxies long before), and no page of this site has such an address.
 */
export const MAX_TARGET_LENGTH = 2000;

/**
 * A user-supplied redirect target (`next=` after sign-in, the language switch's `redirectTo`) as a
 * path of this site, or `fallback`. The target is parsed the way a browser would parse a Location
 * header (WHATWG URL, against the app's origin), so whatever a browser would strip or reinterpret
 * (tabs and newlines anywhere, leading spaces and controls, backslashes as slashes, schemes,
 * userinfo, full-width dots in hosts) is judged as the browser would see it. Only a same-origin
 * result is kept, and only as `pathname + search + hash`: serialised by the URL parser, so it is
 * ASCII (no character a header refuses) and never names another host.
 */
export function sameOriginPath(target: unknown, origin: string, fallback = '/'): string {
	if (typeof target !== 'string' || target === '' || target.length > MAX_TARGET_LENGTH) {
		return fallback;
	}
	let base: URL;
	let url: URL;
	try {
		base = new URL(origin);
		url = new URL(target, base);
	} catch {
		return fallback;
	}
	if (url.origin !== base.origin) return fallback;
	const path = url.pathname + url.search + url.hash;
	// `/.//evil.example` parses to the path `//evil.example`: as a Location it would be read as a
	// network-path reference to another host.
	if (!path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) return fallback;
	return path;
}
