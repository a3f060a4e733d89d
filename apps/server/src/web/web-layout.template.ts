import { type Interpolation, markup, type SafeHtml } from '../pages/html';
import type { WebContext } from './web-context';

export const WEB_CSS_PATH = '/web/app.css';

/** The top-level sections of the app; `section` of a page marks its nav link as current. */
export type WebSection = 'home' | 'ownership' | 'governance' | 'transparency' | 'console' | 'settings' | 'auth';

interface NavLink {
  section: WebSection;
  href: string;
  label: string;
}

function navLinks(ctx: WebContext): NavLink[] {
  if (!ctx.signedIn) {
    return [
      { section: 'home', href: '/', label: 'About' },
      { section: 'transparency', href: '/transparency', label: 'Transparency' },
    ];
  }
  const links: NavLink[] = [
    { section: 'home', href: '/', label: 'Home' },
    { section: 'ownership', href: '/ownership', label: 'Ownership' },
    { section: 'governance', href: '/governance', label: 'Governance' },
    { section: 'transparency', href: '/transparency', label: 'Transparency' },
  ];
  if (ctx.isStaff) links.push({ section: 'console', href: '/console', label: 'Console' });
  links.push({ section: 'settings', href: '/settings', label: 'Settings' });
  return links;
}

export interface WebLayoutInput {
  title: string;
  section: WebSection;
  body: Interpolation;
  /** A one-line message shown above the page (after a form succeeded). */
  notice?: { kind: 'ok' | 'error' | 'warn'; text: string } | null;
}

/** Every web-app page: skip link, header with the primary nav, one main landmark, footer. */
export function webLayout(ctx: WebContext, { title, section, body, notice }: WebLayoutInput): SafeHtml {
  const links = navLinks(ctx);
  const account = ctx.signedIn?.account;
  return markup`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<meta name="color-scheme" content="light dark">
<title>${title} · ${ctx.instanceName}</title>
<link rel="stylesheet" href="${WEB_CSS_PATH}">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site">
<div class="bar">
<a class="brand" href="/">${ctx.instanceName}</a>
<nav class="primary" aria-label="Main">
<ul>
${links.map(
  (link) =>
    markup`<li><a href="${link.href}"${link.section === section ? markup` aria-current="page"` : ''}>${link.label}</a></li>`,
)}
${
  account
    ? markup`<li><form method="post" action="/auth/sign_out"><input type="hidden" name="authenticity_token" value="${ctx.csrf}"><button type="submit" class="link">Sign out @${account.username}</button></form></li>`
    : markup`<li><a href="/auth/sign_in?return_to=%2F"${section === 'auth' ? markup` aria-current="page"` : ''}>Sign in</a></li>
<li><a class="button primary" href="/auth/sign_up?return_to=%2F">Sign up</a></li>`
}
</ul>
</nav>
</div>
</header>
<main id="main" tabindex="-1">
${notice ? markup`<p class="notice ${notice.kind}" role="${notice.kind === 'error' ? 'alert' : 'status'}">${notice.text}</p>` : ''}
${body}
</main>
<footer class="site">
<p>${ctx.instanceName} is owned by its members. <a href="/transparency">How the surplus is shared</a></p>
</footer>
</body>
</html>
`;
}
