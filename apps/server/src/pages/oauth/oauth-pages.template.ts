import type { AuthorizedApp } from '@guildhall/identity';
import { httpUrl, markup, type SafeHtml } from '../html';
import { layout } from '../templates/layout.template';
import type { SignedIn } from './browser-session';
import { describeScope } from './scope-descriptions';

export const OAUTH_CSS_PATH = '/oauth/pages.css';

function page(title: string, body: SafeHtml): SafeHtml {
  return layout({ title: `${title} · Guildhall`, body, stylesheet: OAUTH_CSS_PATH });
}

function csrfField(token: string): SafeHtml {
  return markup`<input type="hidden" name="authenticity_token" value="${token}">`;
}

function errorBox(message: string | null): SafeHtml | null {
  return message ? markup`<p class="error" role="alert" id="form-error">${message}</p>` : null;
}

/** "Signed in as @alice" with a sign-out button, on pages for a signed-in member. */
function accountBar(signedIn: SignedIn, csrf: string): SafeHtml {
  return markup`<div class="account muted">
<span>Signed in as <strong>@${signedIn.account.username}</strong></span>
<form method="post" action="/auth/sign_out">${csrfField(csrf)}<button type="submit" class="secondary">Sign out</button></form>
</div>`;
}

export interface SignInForm {
  csrf: string;
  returnTo: string;
  login?: string;
  error?: string | null;
}

export function signInPage(form: SignInForm): SafeHtml {
  const signUp = `/auth/sign_up?return_to=${encodeURIComponent(form.returnTo)}`;
  return page(
    'Sign in',
    markup`<h1>Sign in to Guildhall</h1>
${errorBox(form.error ?? null)}
<form class="stack" method="post" action="/auth/sign_in">
${csrfField(form.csrf)}
<input type="hidden" name="return_to" value="${form.returnTo}">
<div><label for="login">Email or username</label>
<input type="text" id="login" name="login" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${form.login ?? ''}"${form.error ? markup` aria-describedby="form-error"` : null}></div>
<div><label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required></div>
<div><button type="submit" class="primary">Sign in</button></div>
</form>
<p class="muted">No account yet? <a href="${signUp}">Sign up</a></p>`,
  );
}

export interface SignUpForm {
  csrf: string;
  returnTo: string;
  username?: string;
  email?: string;
  displayName?: string;
  error?: string | null;
}

export function signUpPage(form: SignUpForm): SafeHtml {
  const signIn = `/auth/sign_in?return_to=${encodeURIComponent(form.returnTo)}`;
  return page(
    'Sign up',
    markup`<h1>Create a Guildhall account</h1>
${errorBox(form.error ?? null)}
<form class="stack" method="post" action="/auth/sign_up">
${csrfField(form.csrf)}
<input type="hidden" name="return_to" value="${form.returnTo}">
<div><label for="username">Username</label>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="30" pattern="[A-Za-z0-9_]{1,30}" aria-describedby="username-hint" value="${form.username ?? ''}">
<p class="muted" id="username-hint">1 to 30 characters: letters, digits and underscore.</p></div>
<div><label for="display_name">Display name (optional)</label>
<input type="text" id="display_name" name="display_name" autocomplete="name" maxlength="100" value="${form.displayName ?? ''}"></div>
<div><label for="email">Email</label>
<input type="email" id="email" name="email" autocomplete="email" required maxlength="254" value="${form.email ?? ''}"></div>
<div><label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="new-password" required minlength="10" aria-describedby="password-hint">
<p class="muted" id="password-hint">At least 10 characters.</p></div>
<div><button type="submit" class="primary">Sign up</button></div>
</form>
<p class="muted">Already have an account? <a href="${signIn}">Sign in</a></p>`,
  );
}

/** The fields of the authorization request, carried through the consent form. */
export interface AuthorizeFields {
  client_id: string;
  redirect_uri: string;
  response_type: string;
  scope: string;
  state: string;
  code_challenge: string;
  code_challenge_method: string;
}

export interface ConsentInput {
  signedIn: SignedIn;
  csrf: string;
  appName: string;
  appWebsite: string | null;
  scopes: string[];
  redirectUri: string;
  fields: AuthorizeFields;
}

export function consentPage(input: ConsentInput): SafeHtml {
  const website = httpUrl(input.appWebsite);
  const hidden = (Object.entries(input.fields) as [string, string][]).map(
    ([name, value]) => markup`<input type="hidden" name="${name}" value="${value}">`,
  );
  return page(
    `Authorize ${input.appName}`,
    markup`${accountBar(input.signedIn, input.csrf)}
<h1>Authorize ${input.appName}?</h1>
<div class="panel">
<p><strong>${input.appName}</strong> wants to use your account <strong>@${input.signedIn.account.username}</strong>.</p>
${website ? markup`<p class="muted">Website: <a href="${website}" rel="noopener noreferrer">${website}</a></p>` : null}
<h2 id="scopes-heading">It will be able to:</h2>
<ul class="scopes" aria-labelledby="scopes-heading">
${input.scopes.map((scope) => markup`<li>${describeScope(scope)} <span class="muted">(${scope})</span></li>`)}
</ul>
</div>
<p class="muted">Only authorize apps you trust. You can revoke access at any time in <a href="/oauth/authorized_applications">Authorized apps</a>.</p>
<form method="post" action="/oauth/authorize">
${csrfField(input.csrf)}
${hidden}
<div class="actions">
<button type="submit" name="decision" value="approve" class="primary">Authorize</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</div>
</form>`,
  );
}

export function outOfBandCodePage(appName: string, code: string): SafeHtml {
  return page(
    'Authorization code',
    markup`<h1>Authorization code</h1>
<p>Copy this code and paste it into <strong>${appName}</strong>:</p>
<code class="grant" id="code">${code}</code>
<p class="muted">The code works once and expires in a few minutes.</p>`,
  );
}

export function deniedPage(appName: string): SafeHtml {
  return page(
    'Access denied',
    markup`<h1>Access denied</h1>
<p><strong>${appName}</strong> was not given access to your account. You can close this page.</p>`,
  );
}

export function errorPage(title: string, message: string): SafeHtml {
  return page(title, markup`<h1>${title}</h1><p>${message}</p><p><a href="/">Back to Guildhall</a></p>`);
}

export interface AuthorizedAppsInput {
  signedIn: SignedIn;
  csrf: string;
  apps: AuthorizedApp[];
  notice?: string | null;
}

export function authorizedAppsPage(input: AuthorizedAppsInput): SafeHtml {
  const item = (app: AuthorizedApp) => {
    const website = httpUrl(app.website);
    const headingId = `app-${app.applicationId}`;
    return markup`<li aria-labelledby="${headingId}">
<h2 id="${headingId}">${app.name}</h2>
${website ? markup`<p class="muted"><a href="${website}" rel="noopener noreferrer">${website}</a></p>` : null}
<p class="muted">Authorized <time datetime="${app.authorizedAt.toISOString()}">${app.authorizedAt.toISOString().slice(0, 10)}</time></p>
<ul class="scopes">${app.scopes.map((scope) => markup`<li>${describeScope(scope)} <span class="muted">(${scope})</span></li>`)}</ul>
<form method="post" action="/oauth/authorized_applications/${app.applicationId}/revoke">
${csrfField(input.csrf)}
<button type="submit" class="danger" aria-label="Revoke ${app.name}">Revoke</button>
</form>
</li>`;
  };
  return page(
    'Authorized apps',
    markup`${accountBar(input.signedIn, input.csrf)}
<h1>Authorized apps</h1>
<p class="muted">Also in your <a href="/settings/apps">account settings</a>, with your sessions and password.</p>
${input.notice ? markup`<p class="panel" role="status">${input.notice}</p>` : null}
${
  input.apps.length
    ? markup`<ul class="apps">${input.apps.map(item)}</ul>`
    : markup`<p>You have not authorized any apps.</p>`
}`,
  );
}
