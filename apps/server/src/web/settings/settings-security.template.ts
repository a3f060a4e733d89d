import type { AuthorizedApp, SessionView } from '@guildhall/identity';
import { httpUrl, markup, type SafeHtml } from '../../pages/html';
import { describeScope } from '../../pages/oauth/scope-descriptions';
import { actionButton, csrfField, dataTable, formError, formField } from '../web-components';
import type { MemberContext } from '../web-context';
import type { FieldErrors } from './profile-form';
import { settingsHeader } from './settings-nav';

/** A one-button POST form whose button names its row for screen readers (the visible word is the same on every row). */
function dangerButton(ctx: MemberContext, action: string, label: string, accessibleName: string): SafeHtml {
  return markup`<form class="inline" method="post" action="${action}">${csrfField(ctx)}<button type="submit" class="danger" aria-label="${accessibleName}">${label}</button></form>`;
}

export function appsPageBody(ctx: MemberContext, apps: readonly AuthorizedApp[]): SafeHtml {
  const list = apps.length
    ? dataTable(
        'Apps with access to your account',
        [
          {
            header: 'App',
            cell: (app) => {
              const website = httpUrl(app.website);
              return markup`<strong>${app.name}</strong>${
                website
                  ? markup`<br><a class="small break" href="${website}" rel="noopener noreferrer">${website}</a>`
                  : ''
              }`;
            },
          },
          {
            header: 'May',
            cell: (app) =>
              markup`<ul class="scopes">${app.scopes.map(
                (scope) => markup`<li>${describeScope(scope)} <span class="muted small">(${scope})</span></li>`,
              )}</ul>`,
          },
          { header: 'Authorized', cell: (app) => ctx.fmt.dateTime(app.authorizedAt) },
          { header: 'Last used', cell: (app) => ctx.fmt.dateTime(app.lastUsedAt) },
          {
            header: 'Access',
            cell: (app) =>
              dangerButton(ctx, `/settings/apps/${app.applicationId}/revoke`, 'Revoke', `Revoke ${app.name}`),
          },
        ],
        apps,
      )
    : markup`<p>You have not authorized any apps.</p>`;
  return markup`${settingsHeader('/settings/apps', 'Authorized apps')}
<p>Mastodon apps and other clients you signed in to. Revoking an app ends its access at once; it can ask again later.
Apps send you to the same list on the <a href="/oauth/authorized_applications">authorized applications page</a>.</p>
${list}`;
}

/** "Firefox on Linux" from a user agent (a hint only; the full text is shown too). */
export function deviceOf(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /OPR\//.test(userAgent)
      ? 'Opera'
      : /Firefox\//.test(userAgent)
        ? 'Firefox'
        : /Chrom(e|ium)\//.test(userAgent)
          ? 'Chrome'
          : /Safari\//.test(userAgent)
            ? 'Safari'
            : /^curl\//.test(userAgent)
              ? 'curl'
              : null;
  const system = /Android/.test(userAgent)
    ? 'Android'
    : /iPhone|iPad|iOS/.test(userAgent)
      ? 'iOS'
      : /Mac OS X|Macintosh/.test(userAgent)
        ? 'macOS'
        : /Windows/.test(userAgent)
          ? 'Windows'
          : /Linux|X11/.test(userAgent)
            ? 'Linux'
            : null;
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? system ?? 'Other client';
}

export function sessionsPageBody(ctx: MemberContext, sessions: readonly SessionView[]): SafeHtml {
  const current = ctx.signedIn.auth.sessionId;
  const others = sessions.filter((s) => s.id !== current).length;
  return markup`${settingsHeader('/settings/sessions', 'Sessions')}
<p>Where your account is signed in: browsers and GraphQL clients. Apps are under <a href="/settings/apps">Authorized apps</a>.</p>
${dataTable(
  'Signed-in sessions, most recently used first',
  [
    {
      header: 'Device',
      cell: (s) =>
        markup`<strong>${deviceOf(s.userAgent)}</strong>${
          s.id === current ? markup` <span class="badge ok">This browser</span>` : ''
        }<br><span class="small">${s.ip ?? 'unknown address'}</span>${
          s.userAgent
            ? markup`<details class="small"><summary>Full browser name</summary><span class="break">${s.userAgent}</span></details>`
            : ''
        }`,
    },
    { header: 'Last active', cell: (s) => ctx.fmt.dateTime(s.lastUsedAt) },
    { header: 'Signed in', cell: (s) => ctx.fmt.dateTime(s.createdAt) },
    {
      header: 'Session',
      cell: (s) =>
        s.id === current
          ? markup`<span class="muted small">Use “Sign out” above</span>`
          : dangerButton(
              ctx,
              `/settings/sessions/${s.id}/revoke`,
              'Log out',
              `Log out ${deviceOf(s.userAgent)} from ${s.ip ?? 'an unknown address'}`,
            ),
    },
  ],
  sessions,
  'No sessions.',
)}
${
  others
    ? markup`<div class="actions">${actionButton(ctx, '/settings/sessions/others', 'Log out other sessions', {}, 'danger')}</div>`
    : markup`<p class="muted">This browser is your only session.</p>`
}
<p class="muted small">“Last active” is updated when a session renews its sign-in, about every quarter of an hour of use.</p>`;
}

export interface PasswordPageInput {
  errors: FieldErrors;
  error?: string | null;
}

export function passwordPageBody(ctx: MemberContext, input: PasswordPageInput, minLength: number): SafeHtml {
  return markup`${settingsHeader('/settings/password', 'Password')}
<section class="panel" aria-labelledby="password-title">
<h2 id="password-title">Change your password</h2>
<p>This browser stays signed in; every other session and app token ends.</p>
${formError(input.error)}
<form method="post" action="/settings/password" class="stack">
${csrfField(ctx)}
<input type="text" name="username" value="${ctx.signedIn.account.username}" autocomplete="username" hidden>
${formField({
  name: 'current_password',
  label: 'Current password',
  type: 'password',
  required: true,
  autocomplete: 'current-password',
  error: input.errors.current_password,
})}
${formField({
  name: 'new_password',
  label: 'New password',
  type: 'password',
  required: true,
  autocomplete: 'new-password',
  hint: `At least ${minLength} characters.`,
  error: input.errors.new_password,
})}
${formField({
  name: 'confirm_password',
  label: 'New password again',
  type: 'password',
  required: true,
  autocomplete: 'new-password',
  error: input.errors.confirm_password,
})}
<div class="actions"><button type="submit" class="primary">Change password</button></div>
</form>
</section>`;
}
