import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { uuidv7 } from '@guildhall/core';
import {
  captureBothWidths,
  DESKTOP,
  launchChromium,
  overflowsHorizontally,
  PHONE,
  signInWithBrowser,
  strictContext,
} from './utils/browser';
import { signUp, type SignedUp } from './utils/factories';
import { freshDatabase } from './utils/fresh-database';
import { createListeningTestApp, type TestApp } from './utils/test-app';
import { makeStaff } from './utils/web';

/** What evaluate() sees in the page (the tests compile without the DOM library). */
type PageGlobal = { getComputedStyle(element: unknown): { display: string; backgroundColor: string } };

const run = Math.random().toString(36).slice(2, 8);
const SPAM = `spam-${run}.example`;

/** The moderation pages walked in Chromium as a steward would: labels, buttons, confirmations. */
describe("web app in a browser: the stewards' console — moderation", () => {
  let t: TestApp & { origin: string };
  // Its own database: the reports queue must read empty once its one report is resolved, whatever
  // other suites of the run reported.
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let db: DataSource;
  let browser: Browser;
  let admin: SignedUp;
  let target: SignedUp;
  let member: SignedUp;
  /** For screenshots and axe-core (its script is injected; the CSP is bypassed here only). */
  let audit: BrowserContext;

  /** Screenshots at both widths, no serious axe violations, nothing wider than a phone. */
  const look = async (page: Page, name: string): Promise<void> => {
    expect(await captureBothWidths(page, `web-console-moderation-${name}`)).toEqual([]);
    await page.setViewportSize(PHONE);
    expect(await overflowsHorizontally(page)).toBe(false);
    await page.setViewportSize(DESKTOP);
  };

  beforeAll(async () => {
    database = await freshDatabase();
    t = await createListeningTestApp({ DATABASE_URL: database.url, INSTANCE_NAME: 'Harbour Co-op' });
    db = t.app.get(DataSource);
    [admin, target, member] = await Promise.all([
      signUp(t, { displayName: 'Ada Admin' }),
      signUp(t, { displayName: 'Tro Ll' }),
      signUp(t),
    ]);
    await makeStaff(t, admin.account.id, 'admin');
    const [remote] = await db.query<{ id: string }[]>(
      'INSERT INTO accounts (username, domain, uri) VALUES ($1, $2, $3) RETURNING id',
      ['spammer', SPAM, `https://${SPAM}/users/spammer`],
    );
    const postId = uuidv7();
    await db.query(
      `INSERT INTO posts (id, account_id, local, uri, visibility, content) VALUES ($1, $2, false, $3, 'public', '<p>spam</p>')`,
      [postId, remote.id, `https://${SPAM}/notes/${postId}`],
    );
    const posted = await t.gql<{ createPost: { id: string } }>(
      'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }',
      { input: { content: 'Buy cheap pills at https://pills.example/a-very-long-path-that-should-wrap-on-phones' } },
      target.token,
    );
    await t.gql(
      'mutation($input: ReportInput!) { report(input: $input) { id } }',
      {
        input: { handle: target.username, postIds: [posted.data!.createPost.id], comment: 'Spamming in replies' },
      },
      member.token,
    );
    browser = await launchChromium();
    audit = await browser.newContext({ viewport: DESKTOP, bypassCSP: true });
    audit.setDefaultTimeout(10_000);
  }, 60_000);

  afterAll(async () => {
    await audit?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await t?.close();
    await database?.drop();
  }, 30_000);

  it('blocks a domain after reading what its purge removes, then sees the block listed', async () => {
    const page = await audit.newPage();
    await signInWithBrowser(page, t.origin, admin.username, admin.password, '/console/domains');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Domain blocks');
    await look(page, 'domains');

    await page.getByLabel('Domain', { exact: true }).fill(SPAM);
    await page.getByLabel('Reason (optional)').fill('Spam waves');
    await page.getByRole('button', { name: 'Review the block' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(`Block ${SPAM}?`);
    expect(await page.locator('main .panel').textContent()).toContain('1 account stored from it and their 1 post');
    await look(page, 'domains-confirm');

    await page.getByRole('button', { name: `Block ${SPAM} and remove what came from it` }).click();
    await page.waitForURL(`${t.origin}/console/domains`);
    await expect(page.getByRole('status').textContent()).resolves.toBe(`Blocked ${SPAM}; its purge has started.`);
    const row = page.getByRole('row', { name: new RegExp(SPAM) });
    expect(await row.getByRole('cell').nth(1).textContent()).toBe('Spam waves');
    expect(await row.textContent()).toContain('Waiting for the worker');
    await look(page, 'domains-blocked');
    await page.close();
  });

  it('suspends a reported account from the queue after the confirmation, and finds it resolved', async () => {
    const page = await audit.newPage();
    await page.goto(`${t.origin}/console/reports`);
    const report = page.getByRole('article', { name: `Report about @${target.username}` });
    expect(await report.locator('blockquote').textContent()).toContain('Buy cheap pills');
    expect(await report.textContent()).toContain('Spamming in replies');
    await look(page, 'reports');

    await report.getByRole('button', { name: `Suspend @${target.username} and close` }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(`Suspend @${target.username}?`);
    await look(page, 'reports-confirm');
    await page.getByRole('button', { name: `Suspend @${target.username} and close the report` }).click();
    await page.waitForURL(`${t.origin}/console/reports`);
    await expect(page.getByRole('status').textContent()).resolves.toBe('Account suspended and report closed.');
    expect(await page.getByText('No open reports. Nothing is waiting.').count()).toBe(1);

    await page.getByRole('link', { name: 'Resolved' }).click();
    const resolved = page.getByRole('article', { name: `Report about @${target.username}` });
    expect(await resolved.textContent()).toContain(`by @${admin.username}`);
    await look(page, 'reports-resolved');
    await page.close();
  });

  it('finds an account, issues a password reset shown once, and lifts a suspension', async () => {
    const page = await audit.newPage();
    await page.goto(`${t.origin}/console/accounts`);
    await look(page, 'accounts');
    await page.getByLabel('Handle').fill(target.username);
    await page.getByRole('button', { name: 'Find' }).click();
    const panel = page.getByRole('region', { name: `@${target.username}` });
    expect(await panel.textContent()).toContain('Suspended');
    await look(page, 'accounts-found');

    await page.getByRole('button', { name: 'Issue a password reset' }).click();
    await look(page, 'accounts-reset-confirm');
    await page.getByRole('button', { name: 'Issue the reset token' }).click();
    const token = await page.locator('code.token').textContent();
    expect(token).toMatch(/^\S{20,}$/);
    await look(page, 'accounts-reset-token');

    await page.getByRole('link', { name: 'Back to the account' }).click();
    await page.getByRole('button', { name: `Lift the suspension of @${target.username}` }).click();
    await page.getByRole('button', { name: 'Lift the suspension' }).click();
    await expect(page.getByRole('status').first().textContent()).resolves.toBe(
      `Lifted the suspension of @${target.username}.`,
    );
    expect(await page.getByRole('region', { name: `@${target.username}` }).textContent()).toContain('Active');
    await page.close();
  });

  it('renders every moderation page under the strict CSP with no violation, and in dark mode', async () => {
    const { context, cspViolations } = await strictContext(browser);
    const page = await context.newPage();
    await signInWithBrowser(page, t.origin, admin.username, admin.password, '/console/domains');
    await page.getByLabel('Domain', { exact: true }).fill(`other-${run}.example`);
    await page.getByRole('button', { name: 'Review the block' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(`Block other-${run}.example?`);
    for (const path of ['/console/reports?state=resolved', `/console/accounts?handle=${member.username}`]) {
      await page.goto(`${t.origin}${path}`);
      // The stylesheet applied: the primary nav is laid out by app.css, not the browser's defaults.
      expect(
        await page
          .locator('nav.primary ul')
          .evaluate((ul) => (globalThis as unknown as PageGlobal).getComputedStyle(ul).display),
      ).toBe('flex');
    }
    expect(cspViolations).toEqual([]);
    await context.close();

    const dark = await browser.newContext({ viewport: DESKTOP, colorScheme: 'dark', bypassCSP: true });
    const darkPage = await dark.newPage();
    await signInWithBrowser(darkPage, t.origin, admin.username, admin.password, '/console/domains');
    const background = await darkPage
      .locator('body')
      .evaluate((body) => (globalThis as unknown as PageGlobal).getComputedStyle(body).backgroundColor);
    expect(background).toBe('rgb(17, 24, 39)');
    await look(darkPage, 'domains-dark');
    await dark.close();
  });
});
