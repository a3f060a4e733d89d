import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Formatter } from '../apps/server/src/web/format';
import {
  captureBothWidths,
  DESKTOP,
  launchChromium,
  overflowsHorizontally,
  PHONE,
  strictContext,
} from './utils/browser';
import { LOG_IN } from './utils/factories';
import { cleanEnv, ROOT, run, start, NPM_START_ARGS, NPM_START_ENV, postgresOf, waitForHealth } from './utils/spawn';

/**
 * Issue 12's "Done when", tried as a new user would on a fresh clone after `npm start`: the built
 * server on its embedded defaults (no DATABASE_URL, no REDIS_URL) in an empty DATA_DIR, the first
 * steward created with the CLI as the README says, then every step in Chromium by labels and
 * button names — sign up, apply, be admitted, post, revenue, a previewed close, units and capital,
 * a proposal and a vote, a payout run — with each page captured at both widths and checked by
 * axe-core, for sideways scrolling on a phone and for CSP violations.
 */

const STEWARD = { username: 'steward', email: 'steward@example.org', password: 'a steward password' };
const MEMBER = { username: 'newbie', email: 'newbie@example.org', password: 'correct horse battery' };
const REVENUE_CENTS = 100_000;
/** The browser asks for US English; the pages format with the same Intl rules. */
const fmt = new Formatter('en-US');
const euros = (cents: number) => fmt.money(cents, 'EUR');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface CoopAccount {
  units: { vested: number; unvested: number };
  capitalCents: number;
  paidOutCents: number;
  payableCents: number;
  cashAllocatedCents: number;
}

describe('issue 12, done when: a new member and a steward in Chromium on `npm start`', () => {
  let dataDir: string;
  let origin: string;
  let env: NodeJS.ProcessEnv;
  let server: ReturnType<typeof start>;
  let browser: Browser;
  let shot = 0;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'guildhall-journey-'));
    chmodSync(dataDir, 0o755); // PostgreSQL runs as the postgres user when we are root
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    env = cleanEnv({
      PORT: String(port),
      DATA_DIR: dataDir,
      PUBLIC_ORIGIN: origin,
      EMBEDDED_POSTGRES_PORT: String(await freePort()),
    });
    server = start(NPM_START_ARGS, { ...env, ...NPM_START_ENV });
    await waitForHealth(origin, server.output);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (server) {
      server.child.kill('SIGTERM');
      await new Promise((resolve) => server.child.once('exit', resolve));
    }
    for (const pid of postgresOf(dataDir)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  /** Every page: both widths with axe-core, no sideways scrolling on a phone, no CSP refusal. */
  async function check(page: Page, csp: string[], name: string): Promise<void> {
    shot += 1;
    const label = `journey-${String(shot).padStart(2, '0')}-${name}`;
    expect({ page: label, violations: await captureBothWidths(page, label) }).toEqual({ page: label, violations: [] });
    await page.setViewportSize(PHONE);
    expect({ page: label, overflows: await overflowsHorizontally(page) }).toEqual({ page: label, overflows: false });
    await page.setViewportSize(DESKTOP);
    expect(csp).toEqual([]);
  }

  const h1 = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();
  const notice = (page: Page) => page.locator('.notice[role="status"]').textContent();

  /** The member's account in the co-op as GraphQL's `myCoop` reports it (the oracle). */
  async function myCoop(): Promise<CoopAccount> {
    const post = async (query: string, variables: object, token?: string) => {
      const res = await fetch(`${origin}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as { data: Record<string, unknown>; errors?: unknown[] };
    };
    const logIn = await post(LOG_IN, { input: { usernameOrEmail: MEMBER.username, password: MEMBER.password } });
    const { token } = logIn.data.logIn as { token: string };
    const res = await post(
      '{ myCoop { units { vested unvested } capitalCents paidOutCents payableCents cashAllocatedCents } }',
      {},
      token,
    );
    expect(res.errors).toBeUndefined();
    return res.data.myCoop as CoopAccount;
  }

  /** The figure a `stat` block shows under its label. */
  const statValue = (page: Page, label: string) =>
    page.locator('.stat', { has: page.locator('.label', { hasText: new RegExp(`^${label}$`) }) }).locator('.value');

  it('signs up, applies, is admitted, posts, is allocated at a previewed close, votes and is paid', async () => {
    // The first steward, as the README says: the CLI, the password on standard input.
    const created = await run(
      [
        'bin/guildhall.js',
        'accounts',
        'create',
        STEWARD.username,
        '--email',
        STEWARD.email,
        '--role',
        'admin',
        '--password-stdin',
      ],
      env,
      60_000,
      `${STEWARD.password}\n`,
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ username: STEWARD.username, role: 'admin' });

    const visitor = await strictContext(browser, { locale: 'en-US' });
    const steward = await strictContext(browser, { locale: 'en-US' });
    const member = visitor.context;
    const m = await member.newPage();
    const s = await steward.context.newPage();
    const mCsp = visitor.cspViolations;
    const sCsp = steward.cspViolations;

    // A visitor opens the instance and signs up.
    await m.goto(`${origin}/`);
    await check(m, mCsp, 'landing');
    await m.getByRole('link', { name: 'Create an account' }).click();
    await m.waitForURL((url) => url.pathname === '/auth/sign_up');
    await check(m, mCsp, 'sign-up');
    await m.getByLabel('Username').fill(MEMBER.username);
    await m.getByLabel('Display name (optional)').fill('Nell Newbie');
    await m.getByLabel('Email').fill(MEMBER.email);
    await m.getByLabel('Password').fill(MEMBER.password);
    await m.getByRole('button', { name: 'Sign up' }).click();
    await m.waitForURL(`${origin}/`);
    await expect(h1(m)).resolves.toBe('Welcome, Nell Newbie');
    await check(m, mCsp, 'home');

    // …and applies for membership.
    await m.getByRole('link', { name: 'Apply for membership' }).click();
    await m.waitForURL(`${origin}/membership`);
    await check(m, mCsp, 'membership');
    await m.getByRole('button', { name: 'Apply for membership' }).click();
    await m.waitForURL(`${origin}/membership`);
    await expect(notice(m)).resolves.toBe('Application sent: a steward will review it.');
    await expect(m.getByRole('heading', { name: 'Application pending' }).isVisible()).resolves.toBe(true);
    await check(m, mCsp, 'membership-pending');

    // The steward signs in and admits them from the console.
    await s.goto(`${origin}/auth/sign_in?return_to=${encodeURIComponent('/console')}`);
    await check(s, sCsp, 'sign-in');
    await s.getByLabel('Email or username').fill(STEWARD.email);
    await s.getByLabel('Password').fill(STEWARD.password);
    await s.getByRole('button', { name: 'Sign in' }).click();
    await s.waitForURL(`${origin}/console`);
    await expect(h1(s)).resolves.toBe("Stewards' console");
    await check(s, sCsp, 'console');
    await s.getByRole('link', { name: 'Applications' }).first().click();
    await s.waitForURL(`${origin}/console/applications`);
    await check(s, sCsp, 'console-applications');
    await s.getByRole('button', { name: `Admit @${MEMBER.username}` }).click();
    await s.waitForURL(`${origin}/console/applications`);
    await expect(notice(s)).resolves.toBe(`Admitted @${MEMBER.username}.`);
    await check(s, sCsp, 'console-admitted');

    // A week passes: the bylaws let a member earn only after 7 days (minMemberAgeDays), and a
    // browser test cannot wait that long, so the admission is moved back in the database.
    const password = readFileSync(join(dataDir, 'postgres.secret'), 'utf8').trim();
    const pg = new Client({
      connectionString: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${env.EMBEDDED_POSTGRES_PORT}/guildhall`,
    });
    await pg.connect();
    try {
      const moved = await pg.query(
        `UPDATE coop_members SET joined_at = joined_at - interval '8 days'
            WHERE account_id = (SELECT id FROM accounts WHERE username = $1 AND domain IS NULL)`,
        [MEMBER.username],
      );
      expect(moved.rowCount).toBe(1);
    } finally {
      await pg.end();
    }

    // The member posts from the web app.
    await m.goto(`${origin}/`);
    await m.getByRole('textbox', { name: 'Post', exact: true }).fill('My first post as a member-owner.');
    await m.getByRole('button', { name: 'Publish' }).click();
    await m.waitForURL(`${origin}/`);
    await expect(notice(m)).resolves.toMatch(/^Published: http:\/\/127\.0\.0\.1:\d+\/posts\/[0-9a-f-]{36}$/);
    const recent = m.getByRole('region', { name: 'Your recent posts' });
    await expect(recent.getByText('My first post as a member-owner.').isVisible()).resolves.toBe(true);
    await check(m, mCsp, 'post');

    // The steward records revenue.
    await s.getByRole('link', { name: 'Money' }).first().click();
    await s.waitForURL(`${origin}/console/money`);
    await check(s, sCsp, 'console-money');
    const revenue = s.getByRole('region', { name: 'Record revenue' });
    await revenue.getByLabel('Amount').fill('1000.00');
    await revenue.getByLabel('Memo').fill('Subscriptions, first month');
    await revenue.getByRole('button', { name: 'Record revenue' }).click();
    await s.waitForURL(`${origin}/console/money`);
    await expect(notice(s)).resolves.toMatch(/^Recorded revenue of €1,000\.00 \(payment [0-9a-f-]{36}\)\.$/);
    await check(s, sCsp, 'console-money-recorded');

    // The steward opens the periods page; the worker records the post as a contribution.
    await s.getByRole('link', { name: 'Periods' }).first().click();
    await s.waitForURL(`${origin}/console/periods`);
    const events = statValue(s, 'Contribution events so far');
    for (let tries = 0; (await events.textContent()) === '0' && tries < 60; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      await s.reload();
    }
    await expect(events.textContent()).resolves.toBe('1');
    await expect(statValue(s, 'Revenue recorded').textContent()).resolves.toContain('1,000.00');
    await check(s, sCsp, 'console-periods');

    // …previews the close, then closes after the confirmation step.
    await s.getByRole('link', { name: 'Preview the close' }).click();
    await s.waitForURL(`${origin}/console/periods/preview`);
    await expect(s.getByText('Nothing has been posted.').isVisible()).resolves.toBe(true);
    await check(s, sCsp, 'console-close-preview');
    await s.getByRole('button', { name: 'Close the period' }).click();
    await s.waitForURL(`${origin}/console/periods/close`);
    await expect(h1(s)).resolves.toMatch(/^Close \d{4}-\d{2}(-\d+)?\?$/);
    await check(s, sCsp, 'console-close-confirm');
    await s.getByRole('button', { name: 'Close the period' }).click();
    await s.waitForURL(`${origin}/console/periods`);
    await expect(notice(s)).resolves.toMatch(/^Closed \S+\. Output hash [0-9a-f]+, the same as the preview\.$/);
    await check(s, sCsp, 'console-closed');

    // The member sees their units and capital: what the ledger (myCoop) says, as the rules
    // compute it. Revenue 1,000.00 and no costs: 25% to the reserve, 5% to the commons, and
    // the CREATOR pool's 60% of the remaining 70% to the only member who contributed (the
    // other pools had no points and go to the reserve); 20% of it in cash, the rest retained.
    const allocated = await myCoop();
    const allocation = (REVENUE_CENTS * 70 * 60) / 100 / 100;
    expect(allocated).toMatchObject({
      cashAllocatedCents: allocation * 0.2,
      capitalCents: allocation * 0.8,
      payableCents: allocation * 0.2,
      paidOutCents: 0,
      units: { vested: 0 },
    });
    expect(allocated.units.unvested).toBeGreaterThan(0);
    await m.goto(`${origin}/`);
    await m.getByRole('link', { name: 'Ownership' }).first().click();
    await m.waitForURL(`${origin}/ownership`);
    await expect(h1(m)).resolves.toBe('What I own');
    await expect(statValue(m, 'Vested units').textContent()).resolves.toBe(fmt.integer(allocated.units.vested));
    await expect(statValue(m, 'Unvested units').textContent()).resolves.toBe(fmt.integer(allocated.units.unvested));
    await expect(statValue(m, 'Capital account').textContent()).resolves.toBe(euros(allocated.capitalCents));
    await expect(statValue(m, 'Received').textContent()).resolves.toBe(euros(0));
    await expect(statValue(m, 'Payable').textContent()).resolves.toBe(euros(allocated.payableCents));
    await check(m, mCsp, 'ownership');

    // The member proposes a change and votes on it.
    await m.getByRole('link', { name: 'Governance' }).first().click();
    await m.waitForURL(`${origin}/governance`);
    await check(m, mCsp, 'governance');
    await m.getByRole('link', { name: 'Propose a change' }).click();
    await m.waitForURL(`${origin}/governance/new`);
    await check(m, mCsp, 'governance-new');
    await m.getByLabel('Cash part of each allocation (basis points)').fill('3000');
    await m.getByRole('button', { name: 'Propose' }).click();
    await m.waitForURL((url) => url.pathname.startsWith('/governance/proposals/'));
    await expect(notice(m)).resolves.toBe('Proposed. The vote is open.');
    await check(m, mCsp, 'governance-proposal');
    await m.getByLabel('Yes').check();
    await m.getByRole('button', { name: 'Vote' }).click();
    await m.waitForURL((url) => url.pathname.startsWith('/governance/proposals/'));
    await expect(notice(m)).resolves.toBe('Your vote is counted.');
    await expect(m.getByRole('button', { name: 'Change my vote' }).isVisible()).resolves.toBe(true);
    await check(m, mCsp, 'governance-voted');

    // The steward runs the payout run, after its confirmation step.
    await s.getByRole('link', { name: 'Payouts' }).first().click();
    await s.waitForURL(`${origin}/console/payouts`);
    await check(s, sCsp, 'console-payouts');
    await s.getByRole('button', { name: 'Run payouts' }).click();
    await s.waitForURL(`${origin}/console/payouts/run`);
    await expect(h1(s)).resolves.toBe('Run payouts?');
    await check(s, sCsp, 'console-payouts-confirm');
    await s.getByRole('button', { name: 'Run payouts' }).click();
    await expect(h1(s)).resolves.toMatch(/^Payout run after \S+$/);
    await check(s, sCsp, 'console-payouts-run');

    // The member was paid: received up, nothing payable.
    const paid = await myCoop();
    expect(paid).toMatchObject({ paidOutCents: allocation * 0.2, payableCents: 0 });
    await m.goto(`${origin}/ownership`);
    await expect(statValue(m, 'Received').textContent()).resolves.toBe(euros(paid.paidOutCents));
    await expect(statValue(m, 'Payable').textContent()).resolves.toBe(euros(0));
    await check(m, mCsp, 'ownership-paid');

    await closeAll([visitor.context, steward.context]);
  }, 180_000);
});

async function closeAll(contexts: BrowserContext[]): Promise<void> {
  for (const context of contexts) await context.close();
}

// The built server is what runs: fail early and clearly when it was not built.
beforeAll(() => {
  try {
    readFileSync(join(ROOT, 'dist', 'apps', 'server', 'main.js'));
  } catch {
    throw new Error('run `npm run build` first: this test starts the built server as `npm start` does');
  }
});
