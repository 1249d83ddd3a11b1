// Known open-redirect payloads, as an attacker would put them in `next=` or `redirectTo`: each is
// a target that some browser, URL parser or naive check has turned into another site. `{origin}`
// stands for the app's own origin (userinfo and suffix tricks on it). Sources: the usual
// open-redirect and SSRF cheat sheets (slashes and backslashes, encodings, control characters,
// schemes, userinfo, Unicode look-alikes that IDNA maps to ASCII).

export type RedirectPayload = {
	target: string;
	/**
	 * Holds a C0 control character other than tab, CR and LF: the form layer may refuse it with a
	 * 400 before any redirect is considered, which is as good as a safe redirect.
	 */
	control?: boolean;
};

const raw: (string | RedirectPayload)[] = [
	// Network-path references and their disguises.
	'//evil.example',
	'//evil.example/',
	'///evil.example',
	'////evil.example/path',
	'/\\evil.example',
	'\\\\evil.example',
	'\\/\\/evil.example',
	'/\\/evil.example',
	'//evil.example\\@app',
	'//%65vil.example',
	'//evil.example:443',
	'//127.0.0.1:1/',
	'//[::1]/',
	// Encoded slashes and backslashes (harmless as paths, dangerous if decoded twice).
	'/%2F%2Fevil.example',
	'/%2f%2fevil.example',
	'%2F%2Fevil.example',
	'/%5Cevil.example',
	'/%5C%5Cevil.example',
	'/%09/evil.example',
	// Browsers drop tab, CR and LF anywhere in a URL, and leading spaces and controls.
	'/\t/evil.example',
	'/\n/evil.example',
	'/\r/evil.example',
	'/\r\n/evil.example',
	'\t//evil.example',
	' //evil.example',
	'   /\\evil.example',
	'/\t\\evil.example',
	{ target: '\u0001//evil.example', control: true },
	{ target: '/\u0000/evil.example', control: true },
	// Dot segments that leave a network-path reference behind.
	'/.//evil.example',
	'/..//evil.example',
	'/%2e%2e//evil.example',
	'/a/..//evil.example',
	'/./\\evil.example',
	// Schemes.
	'javascript:alert(document.domain)',
	'JaVaScRiPt:alert(1)',
	'java\tscript:alert(1)',
	' javascript:alert(1)',
	'data:text/html,<script>alert(1)</script>',
	'vbscript:msgbox(1)',
	'https://evil.example',
	'http://evil.example',
	'HTTPS://EVIL.EXAMPLE/',
	'https:evil.example',
	'https:/evil.example',
	'http:\\\\evil.example',
	'ftp://evil.example',
	// Userinfo and suffixes on our own origin.
	'https://app@evil.example',
	'//app@evil.example',
	'{origin}@evil.example',
	'{origin}.evil.example',
	'{origin}:1',
	// Full-width and ideographic look-alikes (IDNA maps them to / and .).
	'／／evil。example',
	'//evil。example',
	'/／evil.example',
	'\uff0f\uff0fevil\uff0eexample',
	// Characters a header cannot carry (a 500 before): line separators, beyond U+00FF, a newline.
	'/\u2028/evil.example',
	'/plans/😀',
	'/comptes/é',
	'/a\nb'
];

export const OPEN_REDIRECT_PAYLOADS: RedirectPayload[] = raw.map((p) =>
	typeof p === 'string' ? { target: p } : p
);

/** The payload with `{origin}` replaced by the app's origin. */
export function payloadFor(payload: RedirectPayload, origin: string): string {
	return payload.target.replaceAll('{origin}', origin);
}

/**
 * Whether `location` (a Location header, or a form's hidden field) sends the browser to a page of
 * `origin`: a path (not a network-path reference) that resolves to the same origin.
 */
export function isSameOriginPath(location: string | null, origin: string): boolean {
	if (location === null) return false;
	if (!location.startsWith('/') || location.startsWith('//') || location.startsWith('/\\')) {
		return false;
	}
	// A header never holds controls or non-ASCII: what the browser would strip must not be there.
	if (/[^\x21-\x7e]/.test(location)) return false;
	return new URL(location, origin).origin === new URL(origin).origin;
}
