/** The OAuth pages' stylesheet, served as a file: their CSP allows no inline style. */
export const OAUTH_PAGES_CSS = `
:root { --text: #111827; --muted: #4b5563; --line: #d1d5db; --accent: #3730a3; --bg: #ffffff; --panel: #f9fafb; --danger: #991b1b; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font: 17px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 32rem; margin: 0 auto; padding: 2rem 1rem 4rem; }
h1 { line-height: 1.25; margin: 0 0 1rem; font-size: 1.6rem; }
h2 { font-size: 1.15rem; margin: 1.25rem 0 .5rem; }
a { color: var(--accent); }
p { margin: .5rem 0; }
.muted { color: var(--muted); font-size: .95rem; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: .5rem; padding: 1rem 1.25rem; margin: 1rem 0; }
form.stack { display: grid; gap: .9rem; }
label { display: block; font-weight: 600; margin-bottom: .25rem; }
input[type=text], input[type=email], input[type=password] {
  width: 100%; padding: .6rem .7rem; font: inherit; color: var(--text); background: #fff;
  border: 1px solid #6b7280; border-radius: .375rem;
}
button { font: inherit; padding: .6rem 1.1rem; border-radius: .375rem; cursor: pointer; border: 1px solid var(--accent); }
button.primary { background: var(--accent); color: #fff; }
button.secondary { background: #fff; color: var(--accent); }
button.danger { background: #fff; color: var(--danger); border-color: var(--danger); }
.actions { display: flex; gap: .75rem; flex-wrap: wrap; margin-top: 1rem; }
:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
input:focus-visible { outline-offset: 0; }
.error { color: var(--danger); background: #fef2f2; border: 1px solid #fecaca; border-radius: .375rem; padding: .6rem .8rem; }
ul.scopes { padding-left: 1.25rem; margin: .5rem 0; }
ul.scopes li { margin: .25rem 0; }
ul.apps { list-style: none; padding: 0; }
ul.apps > li { border-top: 1px solid var(--line); padding: 1rem 0; }
code.grant { display: block; padding: .75rem; background: var(--panel); border: 1px solid var(--line); border-radius: .375rem; overflow-wrap: anywhere; font-size: 1rem; user-select: all; }
.account { display: flex; justify-content: space-between; align-items: center; gap: 1rem; flex-wrap: wrap; }
.account form { margin: 0; }
.account button { padding: .3rem .8rem; font-size: .9rem; }
`;
