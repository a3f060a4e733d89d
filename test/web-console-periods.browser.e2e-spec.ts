import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { PeriodService } from '@guildhall/coop';
import { signUp, type SignedUp } from './utils/factories';
import {
  captureBothWidths,
  launchChromium,
  overflowsHorizontally,
  PHONE,
  signInWithBrowser,
  strictContext,
} from './utils/browser';
import { createListeningTestApp, type TestApp } from './utils/test-app';
import { makeStaff } from './utils/web';

/**
 * An admin walks the close, payout and capital pages in Chromium as a person would: previews the
 * close, confirms it, runs payouts, redeems a vintage and changes the capital policy. Every page
 * is captured at desktop and phone widths with axe-core (no serious or critical violations), fits
 * a phone, causes no CSP violation and renders in dark mode.
 */
describe('web console periods, payouts and capital in a real browser', () => {
  let t: TestApp & { origin: string };
  let db: DataSource;
  let admin: SignedUp;
  let browser: Browser;

  const gql = async (query: string, variables: Record<string, unknown>, token?: string) => {
    const res = await t.gql(query, variables, token);
    if (!res.data || res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };

  beforeAll(async () => {
    t = await createListeningTestApp();
    db = t.app.get(DataSource);
    admin = await signUp(t);
    await makeStaff(t, admin.account.id, 'admin');
    const members = [await signUp(t), await signUp(t)];
    for (const member of members) {
      await gql('mutation { applyForMembership { status } }', {}, member.token);
      await gql('mutation($h: String!) { admitMember(handle: $h) { status } }', { h: member.username }, admin.token);
    }
    await db.query(`UPDATE coop_members SET joined_at = now() - interval '30 days'`);
    await t.app.get(PeriodService).close();
    for (const [i, member] of members.entries()) {
      await gql(
        'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }',
        { input: { content: `post ${i}`, visibility: 'PUBLIC' } },
        member.token,
      );
    }
    await gql(
      'mutation($i: RecordPaymentInput!) { recordRevenue(input: $i) { id } }',
      { i: { amountCents: 1_234_567 } },
      admin.token,
    );
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  /**
   * Screenshots, axe and phone fit of what `page` shows. The walk runs under the strict CSP (its
   * violations are recorded); axe is a script the CSP refuses, so the same document (POST answers
   * included) is shown again in a context that bypasses the CSP, and checked there.
   */
  async function check(page: Page, name: string, colorScheme: 'light' | 'dark' = 'light'): Promise<void> {
    const html = await page.content();
    const url = page.url();
    const audit: BrowserContext = await browser.newContext({ bypassCSP: true, colorScheme });
    const copy = await audit.newPage();
    await copy.route(url, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }),
    );
    await copy.goto(url);
    expect(await captureBothWidths(copy, name)).toEqual([]);
    await copy.setViewportSize(PHONE);
    expect(await overflowsHorizontally(copy)).toBe(false);
    await audit.close();
  }

  it('previews and closes the period, runs payouts, redeems and sets the capital policy', async () => {
    const { context, cspViolations } = await strictContext(browser);
    const page = await context.newPage();
    await signInWithBrowser(page, t.origin, admin.username, admin.password, '/console/periods');
    expect(new URL(page.url()).pathname).toBe('/console/periods');
    const open = (await t.app.get(PeriodService).openStatus()).period.id;
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Periods');
    expect(await page.getByRole('heading', { name: `Open period ${open}` }).count()).toBe(1);
    await check(page, 'web-console-periods');

    await page.getByRole('link', { name: 'Preview the close' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`Preview: closing ${open}`);
    const previewed = (await page.locator('dd code.hash').nth(1).textContent())?.trim();
    expect(previewed).toMatch(/^[0-9a-f]{64}$/);
    expect(await page.getByRole('table', { name: 'How the surplus is split' }).count()).toBe(1);
    await check(page, 'web-console-periods-preview');

    await page.getByRole('button', { name: 'Close the period' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`Close ${open}?`);
    expect(await page.locator('main code.hash').textContent()).toBe(previewed);
    await check(page, 'web-console-periods-confirm');
    await page.getByRole('button', { name: 'Close the period' }).click();
    await page.waitForURL(`${t.origin}/console/periods`);
    expect(await page.getByRole('status').textContent()).toBe(
      `Closed ${open}. Output hash ${previewed}, the same as the preview.`,
    );
    const [row] = await db.query(`SELECT output_hash FROM coop_periods WHERE id = $1`, [open]);
    expect(row.output_hash).toBe(previewed);

    await page.getByRole('navigation', { name: "Stewards' console" }).getByRole('link', { name: 'Payouts' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Payouts');
    expect(await page.getByRole('table', { name: 'What the cooperative owes each member' }).count()).toBe(1);
    await check(page, 'web-console-payouts');
    await page.getByRole('button', { name: 'Run payouts' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Run payouts?');
    await page.getByRole('button', { name: 'Run payouts' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`Payout run after ${open}`);
    expect(await page.locator('main p.notice').textContent()).toMatch(/^Paid €[\d,.]+ to \d+ members?\.$/);
    await check(page, 'web-console-payouts-run');

    await page.getByRole('link', { name: 'Back to payouts' }).click();
    await page.getByLabel('Redeem vintages through').fill(open);
    await page.getByRole('button', { name: 'Redeem' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`Redeem vintages through ${open}?`);
    await page.getByRole('button', { name: 'Redeem' }).click();
    await page.waitForURL(`${t.origin}/console/payouts`);
    expect(await page.getByRole('status').textContent()).toMatch(
      new RegExp(`^Redeemed \\d+ vintages? through ${open.replace('.', '\\.')}: €[\\d,.]+ is now payable\\.$`),
    );

    await page.getByRole('navigation', { name: "Stewards' console" }).getByRole('link', { name: 'Capital' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Capital policy');
    await check(page, 'web-console-capital');
    // The browser itself holds back a revolving period over the bylaws' maximum (min/max)…
    await page.getByLabel('Revolving period (closes)').fill('300');
    await page.getByRole('button', { name: 'Set the policy' }).click();
    expect(await page.locator('#field-revolvingPeriods:invalid').count()).toBe(1);
    // …and the server refuses a minimum payout over the bylaws' (422, the field marked).
    await page.getByLabel('Revolving period (closes)').fill('36');
    await page.getByLabel('Minimum payout').fill('1000.01');
    await page.getByRole('button', { name: 'Set the policy' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('Nothing was changed');
    expect(await page.getByLabel('Minimum payout').getAttribute('aria-invalid')).toBe('true');
    await check(page, 'web-console-capital-refused');
    await page.getByLabel('Minimum payout').fill('10.00');
    await page.getByLabel('Reason').fill('Three years');
    await page.getByRole('button', { name: 'Set the policy' }).click();
    await page.waitForURL(`${t.origin}/console/capital`);
    expect(await page.getByRole('status').textContent()).toBe('Capital policy set.');
    expect(await page.locator('dl.pairs dd').first().textContent()).toMatch(/^36 closes/);

    expect(cspViolations).toEqual([]);
    await context.close();
  });

  it('renders the preview in dark mode', async () => {
    const { context, cspViolations } = await strictContext(browser, { colorScheme: 'dark' });
    const page = await context.newPage();
    await signInWithBrowser(page, t.origin, admin.username, admin.password, '/console/periods/preview');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toMatch(/^Preview: closing /);
    const background = await page.evaluate(() => {
      const g = globalThis as unknown as {
        getComputedStyle(e: unknown): { backgroundColor: string };
        document: { body: unknown };
      };
      return g.getComputedStyle(g.document.body).backgroundColor;
    });
    expect(background).toBe('rgb(17, 24, 39)');
    await check(page, 'web-console-periods-preview-dark', 'dark');
    expect(cspViolations).toEqual([]);
    await context.close();
  });
});
