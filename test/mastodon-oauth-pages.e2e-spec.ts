import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { signUp, type SignedUp } from './utils/factories';
import { registerApp, type RegisteredTestApp } from './utils/mastodon';
import { createListeningTestApp, type TestApp } from './utils/test-app';

/** The few DOM members the page callbacks touch (the project's TypeScript has no DOM lib). */
interface DomElement {
  id: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
}
declare const document: { activeElement: DomElement | null };
declare function getComputedStyle(element: unknown): { backgroundColor: string; outlineStyle: string };

const ARTIFACTS = join(__dirname, 'artifacts');
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core on what the page shows now; the strict CSP is bypassed only in this context. */
async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    const { violations } = await axe.run();
    return violations.map(({ id, impact, help, nodes }) => ({
      id,
      impact,
      help,
      nodes: nodes.map((node) => ({ target: node.target })),
    }));
  });
}

/** Presses Tab until the focused element is the one named, as a keyboard user would. */
async function tabTo(page: Page, name: string, maxTabs = 12): Promise<void> {
  for (let i = 0; i < maxTabs; i += 1) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      return el ? (el.getAttribute('aria-label') ?? el.textContent ?? '').trim() : '';
    });
    if (focused === name) return;
  }
  throw new Error(`could not reach "${name}" with Tab`);
}

describe('OAuth pages in a real browser (Chromium, keyboard only, axe-core)', () => {
  let t: TestApp & { origin: string };
  let member: SignedUp;
  let app: RegisteredTestApp;
  let browser: Browser;
  let strict: BrowserContext;
  let audit: BrowserContext;
  let callback: Server;
  let redirectUri: string;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await createListeningTestApp();
    member = await signUp(t);
    // The app's own redirect target: a local server, as a web client's callback page.
    callback = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<p>app</p>'));
    await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
    redirectUri = `http://127.0.0.1:${(callback.address() as { port: number }).port}/callback`;
    app = await registerApp(t, 'read write follow', redirectUri);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox'],
      timeout: 30_000,
    });
    strict = await browser.newContext({ viewport: { width: 800, height: 900 } });
    strict.setDefaultTimeout(10_000);
  }, 60_000);

  afterAll(async () => {
    await audit?.close().catch(() => undefined);
    await strict?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await new Promise<void>((resolve) => (callback ? callback.close(() => resolve()) : resolve()));
    await t?.close();
  }, 30_000);

  it('signs in with the keyboard, authorizes, and the app gets a PKCE code it exchanges for a working token', async () => {
    const page = await strict.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    const verifier = randomBytes(48).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: app.client_id,
      redirect_uri: redirectUri,
      scope: 'read write',
      state: 'browser-state',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const authorizeUrl = `${t.origin}/oauth/authorize?${query.toString()}`;
    await page.goto(authorizeUrl);
    expect(await page.locator('h1').textContent()).toBe('Sign in to Guildhall');
    // The stylesheet applied under the strict CSP: the button has the accent background.
    expect(await page.locator('button.primary').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
      'rgb(55, 48, 163)',
    );

    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('login');
    await page.keyboard.type(member.email);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('password');
    await page.keyboard.type(member.password);
    await page.screenshot({ path: join(ARTIFACTS, 'oauth-sign-in.png'), fullPage: true });
    // The consent page has the sign-in page's URL: wait for its heading, not the URL (which matches
    // before the browser has left the sign-in page, and the h1 read next was once still that page's).
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Authorize Test client?' }).waitFor();

    expect(await page.locator('h1').textContent()).toBe('Authorize Test client?');
    expect(await page.locator('ul.scopes li').allTextContents()).toEqual([
      'Read everything your account can see: posts, timelines, profile, follows, lists, notifications (read)',
      'Post, edit and delete for you; follow, favourite, boost, change your profile and settings (write)',
    ]);
    await tabTo(page, 'Authorize');
    // The focus ring is visible (an outline, not the browser's default none).
    expect(await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle)).toBe('solid');
    await page.screenshot({ path: join(ARTIFACTS, 'oauth-consent.png'), fullPage: true });
    await Promise.all([page.waitForURL(`${redirectUri}?**`), page.keyboard.press('Enter')]);

    const landed = new URL(page.url());
    expect(landed.searchParams.get('state')).toBe('browser-state');
    const code = landed.searchParams.get('code');
    expect(code).toMatch(/^[\w-]{43}$/);

    const token = await fetch(`${t.origin}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'authorization_code',
        client_id: app.client_id,
        code,
        redirect_uri: redirectUri,
        code_verifier: verifier,
      }),
    });
    expect(token.status).toBe(200);
    const { access_token: accessToken, scope } = (await token.json()) as { access_token: string; scope: string };
    expect(scope).toBe('read write');

    const { createRestAPIClient } = await import('masto');
    const client = createRestAPIClient({ url: t.origin, accessToken });
    const verified = await client.v1.apps.verifyCredentials();
    expect(verified.name).toBe('Test client');
    const viewer = await t.gql<{ viewer: { id: string } }>('{ viewer { id } }', {}, accessToken);
    expect(viewer.data?.viewer.id).toBe(member.account.id);
    expect(cspViolations).toEqual([]);
    await page.close();
  }, 60_000);

  it('has no axe-core violations on the sign-in, sign-up, consent and authorized-apps pages', async () => {
    // axe is injected as a script: only this context bypasses the CSP; it shares the session.
    audit = await browser.newContext({ bypassCSP: true, storageState: await strict.storageState() });
    audit.setDefaultTimeout(10_000);
    const page = await audit.newPage();
    const consentUrl = `${t.origin}/oauth/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: app.client_id,
      redirect_uri: redirectUri,
      scope: 'read write follow',
    }).toString()}`;
    const pages: Record<string, string> = {
      consent: consentUrl,
      'authorized-apps': `${t.origin}/oauth/authorized_applications`,
      'sign-in': `${t.origin}/oauth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: app.client_id,
        redirect_uri: redirectUri,
        force_login: 'true',
      }).toString()}`,
      'sign-up': `${t.origin}/auth/sign_up`,
    };
    const found: Record<string, AxeViolation[]> = {};
    for (const [name, url] of Object.entries(pages)) {
      await page.goto(url);
      found[name] = await axeViolations(page);
      if (name === 'sign-up') await page.screenshot({ path: join(ARTIFACTS, 'oauth-sign-up.png'), fullPage: true });
    }
    expect(found).toEqual({ consent: [], 'authorized-apps': [], 'sign-in': [], 'sign-up': [] });
    await page.close();
  }, 60_000);

  it('lists the app on the authorized-apps page; Revoke (keyboard) ends the token at once', async () => {
    const page = await strict.newPage();
    await page.goto(`${t.origin}/oauth/authorized_applications`);
    expect(await page.locator('h1').textContent()).toBe('Authorized apps');
    expect(await page.locator('ul.apps > li h2').allTextContents()).toEqual(['Test client']);
    await page.screenshot({ path: join(ARTIFACTS, 'oauth-authorized-apps.png'), fullPage: true });

    const grantedToken = await appTokenViaCode();
    const { createRestAPIClient } = await import('masto');
    const client = createRestAPIClient({ url: t.origin, accessToken: grantedToken });
    expect((await client.v1.apps.verifyCredentials()).name).toBe('Test client');

    await tabTo(page, 'Revoke Test client');
    await Promise.all([page.waitForURL(/revoked=1/), page.keyboard.press('Enter')]);
    expect(await page.locator('[role=status]').textContent()).toContain('Access revoked');
    expect(await page.locator('ul.apps').count()).toBe(0);
    await expect(client.v1.apps.verifyCredentials()).rejects.toMatchObject({ statusCode: 401 });
    expect(cspViolations).toEqual([]);
    await page.close();

    /** Another token for the same app through the consent page (out of the browser: supertest-free fetch). */
    async function appTokenViaCode(): Promise<string> {
      const consent = await strict.newPage();
      const verifier = randomBytes(48).toString('base64url');
      const query = new URLSearchParams({
        response_type: 'code',
        client_id: app.client_id,
        redirect_uri: redirectUri,
        scope: 'read',
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
      });
      await consent.goto(`${t.origin}/oauth/authorize?${query.toString()}`);
      await Promise.all([
        consent.waitForURL(`${redirectUri}?**`),
        consent.getByRole('button', { name: 'Authorize' }).click(),
      ]);
      const code = new URL(consent.url()).searchParams.get('code');
      await consent.close();
      const res = await fetch(`${t.origin}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          client_id: app.client_id,
          code: code ?? '',
          redirect_uri: redirectUri,
          code_verifier: verifier,
        }).toString(),
      });
      return ((await res.json()) as { access_token: string }).access_token;
    }
  }, 60_000);
});
