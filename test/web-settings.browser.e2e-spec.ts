import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { png } from './fixtures/images';
import {
  captureBothWidths,
  launchChromium,
  overflowsHorizontally,
  PHONE,
  DESKTOP,
  signInWithBrowser,
  strictContext,
} from './utils/browser';
import { signUp, type SignedUp } from './utils/factories';
import { appToken, registerApp } from './utils/mastodon';
import { createListeningTestApp, type TestApp } from './utils/test-app';
import { webClient } from './utils/web';

/** The page's global (the test runs in Node, the callback in Chromium). */
declare function getComputedStyle(element: unknown): { backgroundColor: string };

describe('web app: settings in a real browser', () => {
  let t: TestApp & { origin: string };
  let db: DataSource;
  let browser: Browser;
  let context: BrowserContext;
  let cspViolations: string[];
  let page: Page;
  let member: SignedUp;

  beforeAll(async () => {
    t = await createListeningTestApp();
    db = t.app.get(DataSource);
    member = await signUp(t, { displayName: 'Ada Writer' });
    browser = await launchChromium();
    ({ context, cspViolations } = await strictContext(browser));
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    await signInWithBrowser(page, t.origin, member.username, member.password, '/settings');
  }, 60_000);

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await t?.close();
  }, 30_000);

  /** Screenshots at both widths with axe-core, and no sideways scrolling on a phone. */
  async function check(name: string): Promise<void> {
    expect(await captureBothWidths(page, name)).toEqual([]);
    await page.setViewportSize(PHONE);
    expect(await overflowsHorizontally(page)).toBe(false);
    await page.setViewportSize(DESKTOP);
  }

  it('edits the profile and uploads an avatar with its description', async () => {
    expect(new URL(page.url()).pathname).toBe('/settings');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Profile settings');
    await page.getByLabel('Display name').fill('Ada Lovelace');
    await page.getByLabel('Bio').fill('Poet of *science*.');
    await page.getByLabel('Label 1').fill('Website');
    await page.getByLabel('Content 1').fill('https://ada.example/');
    await page.getByLabel('Approve followers').check();
    await Promise.all([
      page.waitForURL(`${t.origin}/settings`),
      page.getByRole('button', { name: 'Save profile' }).click(),
    ]);
    await expect(page.getByRole('status').textContent()).resolves.toBe('Profile saved.');
    expect(await page.getByLabel('Display name').inputValue()).toBe('Ada Lovelace');

    await page.getByLabel('New avatar image').setInputFiles({
      name: 'avatar.png',
      mimeType: 'image/png',
      buffer: png(96, 96, [40, 90, 200]),
    });
    await page.getByLabel('Avatar description (alt text)').fill('A blue square');
    await page.getByLabel('New header image').setInputFiles({
      name: 'header.png',
      mimeType: 'image/png',
      buffer: png(600, 200, [200, 120, 40]),
    });
    await Promise.all([
      page.waitForURL(`${t.origin}/settings`),
      page.getByRole('button', { name: 'Save pictures' }).click(),
    ]);
    await expect(page.getByRole('status').textContent()).resolves.toBe('Pictures saved.');
    const avatar = page.getByRole('img', { name: 'A blue square' });
    expect(
      await avatar.evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).naturalWidth > 0),
    ).toBe(true);
    const [row] = await db.query<{ display_name: string; manually_approves_followers: boolean }[]>(
      `SELECT display_name, manually_approves_followers FROM accounts WHERE id = $1`,
      [member.account.id],
    );
    expect(row).toEqual({ display_name: 'Ada Lovelace', manually_approves_followers: true });
    await check('web-settings-profile');
  });

  it('revokes an authorized app after confirming', async () => {
    const app = await registerApp(t, 'read write');
    await appToken(t, member, 'read', app);
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Authorized apps' }).click();
    await page.waitForURL(`${t.origin}/settings/apps`);
    await expect(page.getByRole('table').getByText('Test client').textContent()).resolves.toBe('Test client');
    await check('web-settings-apps');
    await page.getByRole('button', { name: 'Revoke Test client' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Revoke Test client?');
    await check('web-settings-apps-confirm');
    await Promise.all([
      page.waitForURL(`${t.origin}/settings/apps`),
      page.getByRole('button', { name: 'Revoke access' }).click(),
    ]);
    await expect(page.getByRole('status').textContent()).resolves.toBe(
      'Test client no longer has access to your account.',
    );
  });

  it('shows the sessions and logs out the others after confirming', async () => {
    const elsewhere = await webClient(t, member);
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Sessions' }).click();
    await page.waitForURL(`${t.origin}/settings/sessions`);
    await expect(page.getByText('This browser', { exact: true }).count()).resolves.toBe(1);
    await check('web-settings-sessions');
    await page.getByRole('button', { name: 'Log out other sessions' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Log out other sessions?');
    await Promise.all([
      page.waitForURL(`${t.origin}/settings/sessions`),
      page.getByRole('button', { name: 'Log out other sessions' }).click(),
    ]);
    await expect(page.getByRole('status').textContent()).resolves.toBe('2 other sessions were logged out.');
    expect((await elsewhere.get('/settings')).status).toBe(303);
  });

  it('changes the password and stays signed in', async () => {
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Password' }).click();
    await page.waitForURL(`${t.origin}/settings/password`);
    await check('web-settings-password');
    await page.getByLabel('Current password').fill(member.password);
    await page.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
    await page.getByLabel('New password again').fill('a different passphrase');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect(page.locator('#field-confirm_password-error').textContent()).resolves.toBe(
      'The two new passwords differ.',
    );
    await check('web-settings-password-refused');
    await page.getByLabel('Current password').fill(member.password);
    await page.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
    await page.getByLabel('New password again').fill('a brand new passphrase');
    await Promise.all([
      page.waitForURL(`${t.origin}/settings/password`),
      page.getByRole('button', { name: 'Change password' }).click(),
    ]);
    await expect(page.getByRole('status').textContent()).resolves.toBe(
      'Password changed. 0 other sessions were signed out.',
    );
    await page.goto(`${t.origin}/settings`);
    expect(new URL(page.url()).pathname).toBe('/settings');
  });

  it('downloads the posts as CSV from the export page', async () => {
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Export' }).click();
    await page.waitForURL(`${t.origin}/settings/export`);
    await check('web-settings-export');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Posts as CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^${member.username}-posts-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
    expect(cspViolations).toEqual([]);
  });

  it('renders in dark mode', async () => {
    const dark = await strictContext(browser, { colorScheme: 'dark' });
    const darkPage = await dark.context.newPage();
    await signInWithBrowser(darkPage, t.origin, member.username, 'a brand new passphrase', '/settings');
    expect(await darkPage.locator('body').evaluate((body) => getComputedStyle(body).backgroundColor)).toBe(
      'rgb(17, 24, 39)',
    );
    const violations = await captureBothWidths(darkPage, 'web-settings-profile-dark');
    expect(violations).toEqual([]);
    expect(dark.cspViolations).toEqual([]);
    await dark.context.close();
  });
});
