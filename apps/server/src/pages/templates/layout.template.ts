import { type Interpolation, markup, SafeHtml } from '../html';

// A constant: no user data, so it is inserted as it is.
const STYLE = new SafeHtml(`
:root { color-scheme: light dark; --muted: #6b7280; --line: #d1d5db; --accent: #4f46e5; }
* { box-sizing: border-box; }
body { margin: 0; font: 17px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 42rem; margin: 0 auto; padding: 1.5rem 1rem 4rem; }
a { color: var(--accent); }
img { max-width: 100%; height: auto; }
h1 { line-height: 1.25; margin: .25rem 0; }
.muted, time { color: var(--muted); font-size: .9rem; }
.header-image { width: 100%; max-height: 14rem; object-fit: cover; border-radius: .5rem; }
.avatar { width: 5rem; height: 5rem; border-radius: .5rem; object-fit: cover; }
.avatar.small { width: 2.75rem; height: 2.75rem; }
.byline { display: flex; gap: .75rem; align-items: center; }
.counts { display: flex; gap: 1.25rem; padding: 0; list-style: none; }
dl.fields { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dl.fields dt { font-weight: 600; }
dl.fields dd { margin: 0; overflow-wrap: anywhere; }
ol.posts { list-style: none; padding: 0; }
ol.posts > li, article.post { border-top: 1px solid var(--line); padding: 1rem 0; }
.content { overflow-wrap: anywhere; }
details > summary { cursor: pointer; font-weight: 600; }
figure { margin: .75rem 0; }
`);

export interface LayoutInput {
  title: string;
  head?: Interpolation;
  body: Interpolation;
  /**
   * A stylesheet URL instead of the inline style: pages whose CSP has no 'unsafe-inline'
   * (the OAuth pages) link their CSS.
   */
  stylesheet?: string;
}

export function layout({ title, head, body, stylesheet }: LayoutInput): SafeHtml {
  return markup`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${title}</title>
${head}
${stylesheet ? markup`<link rel="stylesheet" href="${stylesheet}">` : markup`<style>${STYLE}</style>`}
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}
