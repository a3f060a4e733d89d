import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import {
  captureBothWidths,
  launchChromium,
  overflowsHorizontally,
  PHONE,
  signInWithBrowser,
  strictContext,
} from './utils/browser';
import { eventually } from './utils/eventually';
import { signUp, type SignedUp } from './utils/factories';
import { createListeningTestApp, type TestApp } from './utils/test-app';

/** The member pages in Chromium, as a person uses them: screenshots, axe-core, phone width, dark mode. */
describe('web app member pages in a browser', () => {
  let t: TestApp & { origin: string };
  let db: DataSource;
  let browser: Browser;
  let admin: SignedUp;
  let ana: SignedUp;
  let ben: SignedUp;
  let carl: SignedUp;

  const gql = async <T>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> => {
    const res = await t.gql<T>(query, variables, token);
    if (!res.data || res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  const post = async (who: SignedUp, content: string) =>
    (
      await gql<{ createPost: { id: string } }>(
        'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }',
        { input: { content, visibility: 'PUBLIC' } },
        who.token,
      )
    ).createPost.id;
  const status = async (who: SignedUp) =>
    (await db.query<{ status: string }[]>(`SELECT status FROM coop_members WHERE account_id = $1`, [who.account.id]))[0]
      ?.status ?? null;

  /** Checks a page like a reader would: screenshots at both widths, no a11y or CSP problems, no sideways scroll. */
  async function check(page: Page, name: string, cspViolations: string[]): Promise<void> {
    expect(await captureBothWidths(page, name)).toEqual([]);
    await page.setViewportSize(PHONE);
    expect(await overflowsHorizontally(page)).toBe(false);
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(cspViolations).toEqual([]);
  }

  beforeAll(async () => {
    t = await createListeningTestApp();
    db = t.app.get(DataSource);
    browser = await launchChromium();
    admin = await signUp(t);
    await db.query(`UPDATE users SET role = 'admin' WHERE account_id = $1`, [admin.account.id]);
    [ana, ben, carl] = [await signUp(t), await signUp(t), await signUp(t)];
    for (const member of [ana, ben]) {
      await gql('mutation { applyForMembership { status } }', {}, member.token);
      await gql('mutation($h: String!) { admitMember(handle: $h) { status } }', { h: member.username }, admin.token);
    }
    await db.query(`UPDATE coop_members SET joined_at = now() - interval '400 days' WHERE account_id = ANY($1)`, [
      [ana.account.id, ben.account.id],
    ]);
    await gql('mutation { closePeriod { result } }', {}, admin.token);
    // Six closes with surplus: ana and ben publish, like each other's posts, revenue grows.
    for (let i = 1; i <= 6; i++) {
      const a = await post(ana, `ana ${i}`);
      const b = await post(ben, `ben ${i}`);
      await gql('mutation($id: ID!) { likePost(id: $id) { id } }', { id: a }, ben.token);
      if (i % 2 === 0) await gql('mutation($id: ID!) { likePost(id: $id) { id } }', { id: b }, ana.token);
      await gql(
        'mutation($i: RecordPaymentInput!) { recordRevenue(input: $i) { id } }',
        { i: { amountCents: 100_000 * i + 12_345 } },
        admin.token,
      );
      const expected = i % 2 === 0 ? 4 : 3;
      await eventually(
        () =>
          db.query<{ n: number }[]>(
            `SELECT count(*)::int AS n FROM coop_events WHERE seq > (SELECT coalesce(max(events_through), 0) FROM coop_periods WHERE status = 'closed')`,
          ),
        ([row]) => expect(row.n).toBe(expected),
      );
      await gql('mutation { closePeriod { result } }', {}, admin.token);
    }
    // This period so far: a post, one deleted, a like.
    const open1 = await post(ana, 'this period');
    const gone = await post(ana, 'deleted soon');
    await gql('mutation($id: ID!) { deletePost(id: $id) }', { id: gone }, ana.token);
    await gql('mutation($id: ID!) { likePost(id: $id) { id } }', { id: open1 }, ben.token);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows a member what it owns, its contributions and its membership', async () => {
    const { context, cspViolations } = await strictContext(browser);
    const page = await context.newPage();
    await signInWithBrowser(page, t.origin, ana.username, ana.password, '/ownership');
    await expect(page.getByRole('heading', { level: 1, name: 'What I own' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('img', { name: /Patronage per period/ }).isVisible()).resolves.toBe(true);
    expect(
      await page
        .getByRole('table', { name: /Allocation per closed period/ })
        .locator('tbody tr')
        .count(),
    ).toBe(6);
    await check(page, 'web-member-ownership', cspViolations);

    await page.getByRole('link', { name: 'This period' }).click();
    await page.waitForURL(`${t.origin}/ownership/contributions`);
    await expect(page.getByText('the post was deleted').isVisible()).resolves.toBe(true);
    await check(page, 'web-member-contributions', cspViolations);

    await page.getByRole('navigation', { name: 'Ownership' }).getByRole('link', { name: 'Membership' }).click();
    await page.waitForURL(`${t.origin}/membership`);
    await check(page, 'web-member-membership', cspViolations);
    await page.getByRole('button', { name: 'Withdraw from the cooperative' }).click();
    await expect(
      page.getByRole('heading', { level: 1, name: 'Withdraw from the cooperative?' }).isVisible(),
    ).resolves.toBe(true);
    await check(page, 'web-member-withdraw-confirm', cspViolations);
    await page.getByRole('link', { name: 'Cancel' }).click();
    await page.waitForURL(`${t.origin}/membership`);
    expect(await status(ana)).toBe('active');
    await context.close();
  });

  it('lets a visitor apply and a member withdraw after confirming', async () => {
    const { context, cspViolations } = await strictContext(browser);
    const page = await context.newPage();
    await signInWithBrowser(page, t.origin, carl.username, carl.password, '/membership');
    await check(page, 'web-member-membership-apply', cspViolations);
    await page.getByRole('button', { name: 'Apply for membership' }).click();
    await page.waitForURL(`${t.origin}/membership`);
    await expect(page.getByRole('status').filter({ hasText: 'Application sent' }).isVisible()).resolves.toBe(true);
    expect(await status(carl)).toBe('pending');
    await page.goto(`${t.origin}/ownership`);
    await check(page, 'web-member-ownership-nonmember', cspViolations);
    await context.close();

    const second = await strictContext(browser);
    const benPage = await second.context.newPage();
    await signInWithBrowser(benPage, t.origin, ben.username, ben.password, '/membership');
    await benPage.getByRole('button', { name: 'Withdraw from the cooperative' }).click();
    await benPage.getByRole('button', { name: 'Withdraw from the cooperative' }).click();
    await benPage.waitForURL(`${t.origin}/membership`);
    await expect(benPage.getByRole('heading', { name: 'You left the cooperative' }).isVisible()).resolves.toBe(true);
    expect(await status(ben)).toBe('withdrawn');
    expect(second.cspViolations).toEqual([]);
    await second.context.close();
  });

  it('renders in dark mode', async () => {
    const { context, cspViolations } = await strictContext(browser, { colorScheme: 'dark' });
    const page = await context.newPage();
    await signInWithBrowser(page, t.origin, ana.username, ana.password, '/ownership');
    const background = await page.evaluate(
      () =>
        (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(
          (globalThis as unknown as { document: { body: unknown } }).document.body,
        ).backgroundColor,
    );
    expect(background).toBe('rgb(17, 24, 39)');
    await check(page, 'web-member-ownership-dark', cspViolations);
    await context.close();
  });
});
