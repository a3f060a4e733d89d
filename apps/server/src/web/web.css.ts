/**
 * The web app's one stylesheet, served as /web/app.css (the CSP allows no inline style).
 * Light and dark follow the reader's system setting; every colour pair meets WCAG AA contrast.
 */
export const WEB_CSS = `
:root {
  color-scheme: light dark;
  --text: #111827; --muted: #4b5563; --line: #d1d5db; --bg: #ffffff; --panel: #f3f4f6;
  --accent: #3730a3; --accent-text: #ffffff; --danger: #991b1b; --danger-bg: #fef2f2;
  --ok: #166534; --ok-bg: #f0fdf4; --warn-bg: #fffbeb; --focus: #b45309;
  --chart-1: #4338ca; --chart-2: #0f766e; --chart-3: #b45309; --chart-4: #be185d;
}
@media (prefers-color-scheme: dark) {
  :root {
    --text: #f3f4f6; --muted: #b6bcc6; --line: #4b5563; --bg: #111827; --panel: #1f2937;
    --accent: #a5b4fc; --accent-text: #111827; --danger: #fca5a5; --danger-bg: #3b1212;
    --ok: #86efac; --ok-bg: #0f2e1b; --warn-bg: #3a2a05; --focus: #fbbf24;
    --chart-1: #a5b4fc; --chart-2: #5eead4; --chart-3: #fcd34d; --chart-4: #f9a8d4;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--text); font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
a { color: var(--accent); }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: .5rem; background: var(--bg); padding: .5rem 1rem; z-index: 10; }
.skip:focus { left: .5rem; }
header.site { border-bottom: 1px solid var(--line); background: var(--panel); }
header.site .bar { max-width: 64rem; margin: 0 auto; padding: .6rem 1rem; display: flex; flex-wrap: wrap; gap: .5rem 1.25rem; align-items: center; }
header.site .brand { font-weight: 700; font-size: 1.1rem; color: var(--text); text-decoration: none; margin-right: auto; }
nav.primary ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem .9rem; margin: 0; padding: 0; align-items: center; }
nav.primary a { text-decoration: none; padding: .2rem 0; display: inline-block; }
nav.primary a[aria-current="page"] { font-weight: 700; border-bottom: 2px solid var(--accent); }
nav.primary form { margin: 0; }
nav.sub ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1rem; padding: 0; margin: 0 0 1rem; }
nav.sub a[aria-current="page"] { font-weight: 700; }
main { max-width: 64rem; margin: 0 auto; padding: 1.25rem 1rem 4rem; }
footer.site { max-width: 64rem; margin: 0 auto; padding: 1rem; color: var(--muted); font-size: .9rem; border-top: 1px solid var(--line); }
h1 { font-size: 1.75rem; line-height: 1.25; margin: .25rem 0 1rem; }
h2 { font-size: 1.3rem; margin: 1.75rem 0 .6rem; }
h3 { font-size: 1.1rem; margin: 1.25rem 0 .5rem; }
p { margin: .5rem 0; }
.muted { color: var(--muted); }
.small { font-size: .9rem; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: .5rem; padding: 1rem 1.25rem; margin: 1rem 0; }
.grid { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); }
.stat { background: var(--panel); border: 1px solid var(--line); border-radius: .5rem; padding: .8rem 1rem; }
.stat .label { color: var(--muted); font-size: .9rem; display: block; }
.stat .value { font-size: 1.5rem; font-weight: 700; display: block; font-variant-numeric: tabular-nums; }
.notice { border-radius: .375rem; padding: .6rem .8rem; margin: 0 0 1rem; border: 1px solid var(--line); }
.notice.ok { background: var(--ok-bg); color: var(--ok); border-color: var(--ok); }
.notice.error { background: var(--danger-bg); color: var(--danger); border-color: var(--danger); }
.notice.warn { background: var(--warn-bg); }
.table-wrap { overflow-x: auto; margin: .5rem 0 1rem; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
form { margin: 0; }
form.stack { display: grid; gap: .9rem; max-width: 36rem; }
form.inline { display: inline; }
fieldset { border: 1px solid var(--line); border-radius: .5rem; padding: .75rem 1rem; margin: 0; }
legend { font-weight: 600; padding: 0 .25rem; }
label { display: block; font-weight: 600; margin-bottom: .25rem; }
.field .hint { color: var(--muted); font-size: .9rem; margin: .2rem 0 0; }
.field .field-error { color: var(--danger); font-size: .9rem; margin: .2rem 0 0; }
input[type=text], input[type=email], input[type=password], input[type=number], input[type=date], input[type=url], input[type=search], select, textarea {
  width: 100%; padding: .55rem .65rem; font: inherit; color: var(--text); background: var(--bg);
  border: 1px solid var(--muted); border-radius: .375rem;
}
textarea { min-height: 6rem; }
input[aria-invalid=true], textarea[aria-invalid=true], select[aria-invalid=true] { border-color: var(--danger); border-width: 2px; }
.check { display: flex; gap: .5rem; align-items: center; font-weight: 400; }
button, .button { font: inherit; padding: .5rem 1rem; border-radius: .375rem; cursor: pointer; border: 1px solid var(--accent); background: var(--bg); color: var(--accent); text-decoration: none; display: inline-block; }
button.primary, .button.primary { background: var(--accent); color: var(--accent-text); }
button.danger { color: var(--danger); border-color: var(--danger); }
button.link { border: 0; padding: 0; background: none; color: var(--accent); text-decoration: underline; }
.actions { display: flex; gap: .75rem; flex-wrap: wrap; align-items: center; margin-top: 1rem; }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 1rem; border: 1px solid var(--line); font-size: .85rem; }
.badge.ok { color: var(--ok); border-color: var(--ok); }
.badge.danger { color: var(--danger); border-color: var(--danger); }
.progress { height: .75rem; background: var(--panel); border: 1px solid var(--line); border-radius: 1rem; overflow: hidden; }
.progress > span { display: block; height: 100%; background: var(--accent); }
figure.chart { margin: 1rem 0; }
figure.chart svg { width: 100%; height: auto; max-height: 18rem; }
figure.chart figcaption { color: var(--muted); font-size: .9rem; }
svg .axis { stroke: var(--line); }
svg .series-1 { fill: var(--chart-1); stroke: var(--chart-1); }
svg .series-2 { fill: var(--chart-2); stroke: var(--chart-2); }
svg .series-3 { fill: var(--chart-3); stroke: var(--chart-3); }
svg .series-4 { fill: var(--chart-4); stroke: var(--chart-4); }
svg text { fill: var(--muted); font-size: 11px; }
.legend { display: flex; gap: 1rem; flex-wrap: wrap; list-style: none; padding: 0; font-size: .9rem; }
.legend .swatch { display: inline-block; width: .8rem; height: .8rem; border-radius: .15rem; margin-right: .35rem; vertical-align: middle; }
.swatch.series-1 { background: var(--chart-1); } .swatch.series-2 { background: var(--chart-2); }
.swatch.series-3 { background: var(--chart-3); } .swatch.series-4 { background: var(--chart-4); }
.diff-old { text-decoration: line-through; color: var(--muted); }
.diff-new { font-weight: 700; }
.hero { padding: 1.5rem 0 .5rem; }
.hero p.lead { font-size: 1.2rem; max-width: 42rem; }
dl.pairs { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; }
dl.pairs dt { font-weight: 600; }
dl.pairs dd { margin: 0; overflow-wrap: anywhere; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .92em; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: .375rem; padding: .75rem; overflow-x: auto; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 40rem) {
  h1 { font-size: 1.45rem; }
  header.site .brand { width: 100%; }
  main { padding: 1rem .75rem 3rem; }
  th, td { padding: .4rem .35rem; }
}
/* console: moderation (domain blocks, reports, accounts) */
.report blockquote { margin: .5rem 0; padding: .25rem .75rem; border-left: 3px solid var(--line); overflow-wrap: anywhere; }
ul.quoted-posts { list-style: none; padding: 0; margin: 0 0 1rem; }
code.token { overflow-wrap: anywhere; word-break: break-all; user-select: all; }
td .badge + .small { display: block; margin-top: .2rem; }
/* console (coop): overview, members, money, audit */
.table-wrap { position: relative; }
td form.inline { margin-left: .5rem; }
td dl.pairs { margin: 0; font-size: .9rem; }
/* governance and transparency (web/governance, web/transparency) */
.proposal h3 { margin-top: 0; overflow-wrap: anywhere; }
form.stack fieldset.pools { display: grid; gap: .9rem; }
.tally { margin: .75rem 0; }
.tally-line { margin: .35rem 0 .2rem; }
svg.meter { display: block; width: 100%; max-width: 28rem; height: .75rem; }
svg .meter-track { fill: var(--panel); stroke: var(--line); stroke-width: .4; }
svg .meter-fill { fill: var(--accent); }
svg .meter-mark { fill: var(--text); }
.rationale { white-space: pre-line; overflow-wrap: anywhere; }
code.hash { overflow-wrap: anywhere; word-break: break-all; }
td code.hash { word-break: normal; white-space: nowrap; }
nav.pager { display: flex; gap: 1rem; margin: .75rem 0; }
details.replay { border: 1px solid var(--line); border-radius: .5rem; padding: .5rem .75rem; margin: .75rem 0; }
details.replay summary { cursor: pointer; font-weight: 600; }
details.replay pre { white-space: pre; }
/* settings */
.panel fieldset { min-width: 0; }
.panel > h2:first-child { margin-top: .25rem; }
.break { overflow-wrap: anywhere; word-break: break-word; }
figure.picture { margin: .25rem 0 .75rem; }
figure.picture img { display: block; max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: .5rem; background: var(--bg); }
figure.picture.avatar img { width: 8rem; height: 8rem; object-fit: cover; }
figure.picture.header img { width: 100%; max-height: 12rem; object-fit: cover; }
.field-rows { display: grid; gap: .75rem; }
.field-row { display: grid; gap: .5rem; grid-template-columns: 1fr 2fr; }
.field-row + .field-row { border-top: 1px solid var(--line); padding-top: .75rem; }
input[type=file] { font: inherit; max-width: 100%; }
ul.scopes { margin: 0; padding-left: 1.1rem; }
ul.downloads { padding-left: 1.1rem; }
@media (max-width: 40rem) {
  .field-row { grid-template-columns: 1fr; }
}
/* console: periods, payouts, capital */
code.hash { overflow-wrap: anywhere; word-break: break-all; }
/* ownership and membership (member pages) */
ul.reasons { margin: 0; padding-left: 1rem; min-width: 16rem; }
ul.reasons li { margin: 0 0 .2rem; }
figure.chart svg rect { stroke: none; }
.nowrap { white-space: nowrap; }
/* journey (shared) */
.notice { overflow-wrap: anywhere; }
.panel > h3:first-child { margin-top: .25rem; }
/* panels in a grid: the grid's gap spaces them (their own margins doubled it on a phone) */
.grid > .panel { margin: 0; }
.grid:has(> .panel) { margin: 1rem 0; }
/* the signed-out nav's "Sign up" button keeps a button's padding (nav links have none) */
nav.primary a.button { padding: .2rem .75rem; }
/* home: the member's recent posts */
ol.posts { list-style: none; padding: 0; margin: 0; }
ol.posts > li { border-top: 1px solid var(--line); padding: .75rem 0; }
ol.posts .content { overflow-wrap: anywhere; }
ol.posts .content p { margin: .25rem 0; }
`;
