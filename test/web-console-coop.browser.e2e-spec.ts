import { createHmac } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { join } from 'node:path';
import {
  ARTIFACTS,
  captureBothWidths,
  launchChromium,
  overflowsHorizontally,
  PHONE,
  seriousViolations,
  signInWithBrowser,
  strictContext,
} from './utils/browser';
import { signUp, type SignedUp } from './utils/factories';
import { freshDatabase } from './utils/fresh-database';
import { createListeningTestApp, type TestApp } from './utils/test-app';
import { makeStaff } from './utils/web';

const SECRET = 'a-webhook-secret-of-at-least-32-characters';

describe("web app in Chromium: the stewards' console (coop)", () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let t: TestApp & { origin: string };
  let db: DataSource;
  let browser: Browser;
  let admin: SignedUp;
  let applicant: SignedUp;
  let leaver: SignedUp;

  beforeAll(async () => {
    database = await freshDatabase();
    t = await createListeningTestApp({
      DATABASE_URL: database.url,
      COOP_WEBHOOK_SECRET: SECRET,
      INSTANCE_NAME: 'Harbour Co-op',
    });
    db = t.app.get(DataSource);
    browser = await launchChromium();
    admin = await signUp(t, { displayName: 'Ada Steward' });
    await makeStaff(t, admin.account.id, 'admin');
    applicant = await signUp(t, { username: 'grace_applies' });
    leaver = await signUp(t, { username: 'linus_leaves' });
    for (const member of [applicant, leaver]) {
      const res = await t.gql('mutation { applyForMembership { status } }', {}, member.token);
      expect(res.errors).toBeUndefined();
    }
    await t.gql('mutation($h: String!) { admitMember(handle: $h) { status } }', { h: leaver.username }, admin.token);
    const raw = JSON.stringify({ id: 'provider-7', kind: 'revenue', amountCents: 4200, memo: 'Tips, week 1' });
    await t
      .http()
      .post('/api/v1/coop/payments')
      .set('content-type', 'application/json')
      .set('x-guildhall-signature', `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`)
      .send(raw);
    await t.http().post('/api/v1/coop/payments').set('content-type', 'application/json').send('{"id":"forged"}');
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await database?.drop();
  });

  /** Screenshots at both widths, axe-core, and no sideways scrolling on a phone. */
  async function check(page: Page, name: string): Promise<void> {
    expect(await captureBothWidths(page, `web-console-coop-${name}`)).toEqual([]);
    await page.setViewportSize(PHONE);
    expect(await overflowsHorizontally(page)).toBe(false);
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  it('walks the console as an admin: admit, expel after confirming, record money, read the logs', async () => {
    const { context, cspViolations } = await strictContext(browser);
    const page = await context.newPage();
    await signInWithBrowser(page, t.origin, admin.email, admin.password, '/console');
    expect(new URL(page.url()).pathname).toBe('/console');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe("Stewards' console");
    await check(page, 'overview');

    await page.getByRole('link', { name: 'Review applications' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Applications');
    await check(page, 'applications');
    await page.getByRole('button', { name: 'Admit @grace_applies' }).click();
    await page.waitForURL(`${t.origin}/console/applications`);
    await expect(page.getByRole('status').textContent()).resolves.toBe('Admitted @grace_applies.');
    expect(
      (await db.query(`SELECT status FROM coop_members WHERE account_id = $1`, [applicant.account.id]))[0],
    ).toEqual({ status: 'active' });

    await page.getByRole('navigation', { name: "Stewards' console" }).getByRole('link', { name: 'Members' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Members');
    await check(page, 'members');
    await page.getByRole('button', { name: 'Expel @linus_leaves' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Expel @linus_leaves?');
    await check(page, 'expel-confirm');
    await page.getByRole('button', { name: 'Expel @linus_leaves' }).click();
    await page.waitForURL(`${t.origin}/console/members`);
    await expect(page.getByRole('status').textContent()).resolves.toBe('Expelled @linus_leaves.');

    await page.getByRole('navigation', { name: "Stewards' console" }).getByRole('link', { name: 'Money' }).click();
    const revenue = page.getByRole('region', { name: 'Record revenue' });
    await revenue.getByLabel('Amount').fill('12.5');
    await revenue.getByLabel('Memo').fill('Subscriptions, March');
    await revenue.getByLabel('Paid by member (optional)').fill('grace_applies');
    await revenue.getByRole('button', { name: 'Record revenue' }).click();
    await page.waitForURL(`${t.origin}/console/money`);
    await expect(page.getByRole('status').textContent()).resolves.toMatch(/^Recorded revenue of €12\.50 \(payment /);
    const cost = page.getByRole('region', { name: 'Record a cost' });
    await cost.getByLabel('Amount').fill('3,5');
    await cost.getByLabel('Currency').fill('USD');
    await cost.getByRole('button', { name: 'Record a cost' }).click();
    expect(await page.getByText('The co-op keeps its books in EUR: convert the amount to EUR first.').count()).toBe(1);
    expect(await cost.getByLabel('Currency').getAttribute('aria-invalid')).toBe('true');
    await check(page, 'money-refused');
    await page.getByRole('region', { name: 'Record a cost' }).getByLabel('Currency').fill('EUR');
    await page.getByRole('region', { name: 'Record a cost' }).getByRole('button', { name: 'Record a cost' }).click();
    await page.waitForURL(`${t.origin}/console/money`);
    await expect(page.getByRole('status').textContent()).resolves.toMatch(/^Recorded a cost of €3\.50/);
    await expect(
      page.getByRole('table', { name: 'Payment webhook deliveries, newest first' }).textContent(),
    ).resolves.toContain('bad or missing signature');
    await check(page, 'money');

    await page.getByRole('navigation', { name: "Stewards' console" }).getByRole('link', { name: 'Audit log' }).click();
    await check(page, 'audit');
    await page.getByLabel('Action').selectOption('coop.record_cost');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(`${t.origin}/console/audit?action=coop.record_cost`);
    const rows = page.getByRole('table').getByRole('row');
    expect(await rows.count()).toBe(2);
    await expect(rows.nth(1).textContent()).resolves.toContain('@' + admin.username);
    expect(cspViolations).toEqual([]);
    await context.close();
  });

  it('renders in dark mode', async () => {
    const { context, cspViolations } = await strictContext(browser, { colorScheme: 'dark' });
    const page = await context.newPage();
    await signInWithBrowser(page, t.origin, admin.email, admin.password, '/console/money');
    await page.screenshot({ path: join(ARTIFACTS, 'web-console-coop-money.dark.png'), fullPage: true });
    const background = await page.evaluate(
      () =>
        (
          globalThis as unknown as {
            getComputedStyle(e: unknown): { backgroundColor: string };
            document: { body: unknown };
          }
        ).getComputedStyle((globalThis as unknown as { document: { body: unknown } }).document.body).backgroundColor,
    );
    const [r, g, b] = (background.match(/\d+/g) ?? []).map(Number);
    expect(r + g + b).toBeLessThan(200);
    expect(await seriousViolations(page)).toEqual([]);
    expect(cspViolations).toEqual([]);
    await context.close();
  });
});
