// Stored-XSS payloads for the feed's Markdown subset (tests/unit/markdown.test.ts checks the parser
// and the rendered HTML; the e2e feed tests post them and watch for dialogs and stray elements).
// Every payload, if it ran, would call alert(): a page showing any of them must never open a
// dialog, and its rendered HTML must hold no script, no event handler and no non-http(s) link.

export type XssCase = { name: string; body: string };

export const XSS_CORPUS: readonly XssCase[] = [
	{ name: 'script tag', body: '<script>alert(1)</script>' },
	{ name: 'script tag split over lines', body: '<scr\nipt>alert(1)</scr\nipt>' },
	{ name: 'img onerror', body: '<img src=x onerror=alert(1)>' },
	{ name: 'svg onload', body: '<svg onload=alert(1)><circle r="1"/></svg>' },
	{
		name: 'svg with script',
		body: '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
	},
	{ name: 'iframe srcdoc', body: '<iframe srcdoc="<script>alert(1)</script>"></iframe>' },
	{ name: 'details ontoggle', body: '<details open ontoggle=alert(1)>x</details>' },
	{ name: 'style expression', body: '<div style="background:url(javascript:alert(1))">x</div>' },
	{ name: 'javascript link', body: '[click me](javascript:alert(1))' },
	{ name: 'mixed-case javascript link', body: '[click me](JaVaScRiPt:alert(1))' },
	{ name: 'entity-encoded javascript link', body: '[click me](java&#x73;cript:alert(1))' },
	{ name: 'decimal-entity javascript link', body: '[click me](&#106;avascript:alert(1))' },
	{ name: 'leading spaces javascript link', body: '[click me](  javascript:alert(1))' },
	{ name: 'tab inside javascript link', body: '[click me](java\tscript:alert(1))' },
	{ name: 'newline inside javascript link', body: '[click me](java\nscript:alert(1))' },
	{ name: 'percent-encoded javascript link', body: '[click me](javascript%3Aalert(1))' },
	{ name: 'zero-width javascript link', body: '[click me](java\u200bscript:alert(1))' },
	{ name: 'control char javascript link', body: '[click me](\u0001javascript:alert(1))' },
	{ name: 'vbscript link', body: '[click me](vbscript:msgbox(1))' },
	{ name: 'data html link', body: '[click me](data:text/html,<script>alert(1)</script>)' },
	{
		name: 'data base64 link',
		body: '[click me](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'
	},
	{ name: 'protocol-relative link', body: '[click me](//evil.example/x)' },
	{ name: 'backslash host link', body: '[click me](/\\evil.example/x)' },
	{ name: 'link with title quotes', body: '[click me](https://ok.example "onmouseover=alert(1)")' },
	{
		name: 'link breaking out of attribute',
		body: '[x](https://ok.example/"onmouseover="alert(1))'
	},
	{ name: 'nested brackets', body: '[[x](javascript:alert(1))](https://ok.example)' },
	{ name: 'nested links', body: '[a [b](javascript:alert(1)) c](/ok)' },
	{ name: 'angle autolink javascript', body: '<javascript:alert(1)>' },
	{ name: 'angle autolink data', body: '<data:text/html,<script>alert(1)</script>>' },
	{ name: 'reference-style link', body: '[x][1]\n\n[1]: javascript:alert(1)' },
	{ name: 'image syntax', body: '![x](javascript:alert(1)) ![y](https://ok.example/a.png)' },
	{
		name: 'html entities',
		body: '&lt;script&gt;alert(1)&lt;/script&gt; &#60;img src=x onerror=alert(1)&#62;'
	},
	{ name: 'backtick breaking out', body: '`</code><script>alert(1)</script>`' },
	{ name: 'fenced code with html', body: '```html\n<script>alert(1)</script>\n```' },
	{ name: 'unclosed fence with html', body: '```\n<img src=x onerror=alert(1)>' },
	{
		name: 'emphasis around html',
		body: '**<script>alert(1)</script>** _<img src=x onerror=alert(1)>_'
	},
	{ name: 'list with html', body: '- <script>alert(1)</script>\n- [x](javascript:alert(1))' },
	{
		name: 'bare javascript url',
		body: 'javascript:alert(1) and http://ok.example/<script>alert(1)</script>'
	},
	{ name: 'fake mention token', body: '@[user:"><script>alert(1)</script>]' },
	{ name: 'fake reference token', body: '#[account:javascript:alert(1)]' },
	{
		name: 'mention token in link',
		body: '[@[user:00000000-0000-4000-8000-000000000000]](javascript:alert(1))'
	},
	{ name: 'markdown html comment', body: '<!-- --><script>alert(1)</script><!-- -->' },
	{ name: 'object tag', body: '<object data="javascript:alert(1)"></object>' },
	{ name: 'form action', body: '<form action="javascript:alert(1)"><button>x</button></form>' },
	{ name: 'meta refresh', body: '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">' }
];
