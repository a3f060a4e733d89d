import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { GovernanceService } from '@guildhall/coop';
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
import { createListeningTestApp, type TestApp } from './utils/test-app';
import { makeStaff } from './utils/web';

/**
 * Governance and transparency in Chromium, as a person uses them: read the public index of
 * closes, sign in, propose (a refusal first), vote and change the vote; every page at desktop
 * and phone widths with axe-core, no horizontal overflow on a phone, no CSP violation, and the
 * dark scheme. The electorate is this suite's (others' members set inactive and restored).
 */
describe('web app in a browser: governance and transparency', () => {
  let t: TestApp & { origin: string };
  let db: DataSource;
  let browser: Browser;
  let steward: SignedUp;
  let ana: SignedUp;
  let sidelined: string[] = [];

  const fitsPhone = async (page: Page) => {
    await page.setViewportSize(PHONE);
    const overflows = await overflowsHorizontally(page);
    await page.setViewportSize(DESKTOP);
    return !overflows;
  };

  beforeAll(async () => {
    t = await createListeningTestApp();
    db = t.app.get(DataSource);
    steward = await signUp(t);
    await makeStaff(t, steward.account.id, 'admin');
    ana = await signUp(t, { displayName: 'Ana Voter' });
    const ben = await signUp(t);
    for (const member of [steward, ana, ben]) {
      await t.gql('mutation { applyForMembership { status } }', {}, member.token);
      await t.gql(
        'mutation($h: String!) { admitMember(handle: $h) { status } }',
        { h: member.username },
        steward.token,
      );
    }
    const rows = await db.query<{ account_id: string }[]>(
      `UPDATE coop_members SET status = 'inactive' WHERE status = 'active' AND NOT (account_id = ANY($1::uuid[]))
       RETURNING account_id`,
      [[steward, ana, ben].map((m) => m.account.id)],
    );
    sidelined = rows.map((r) => r.account_id);
    await db.query(`UPDATE coop_proposals SET closes_at = now() WHERE status = 'open'`);
    await t.app.get(GovernanceService).closeDue();
    await t.gql('mutation { closePeriod { result } }', {}, steward.token);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await db.query(`UPDATE coop_proposals SET closes_at = now() WHERE status = 'open'`);
    await t.app.get(GovernanceService).closeDue();
    await db.query(`UPDATE coop_members SET status = 'active' WHERE account_id = ANY($1::uuid[])`, [sidelined]);
    await t.close();
  });

  it('walks transparency, proposing and voting with no accessibility, layout or CSP problem', async () => {
    const { context, cspViolations } = await strictContext(browser);
    const page = await context.newPage();
    try {
      await page.goto(`${t.origin}/transparency`);
      await page.getByRole('heading', { level: 1, name: 'Transparency' }).waitFor();
      await page.getByRole('heading', { name: 'Check this close yourself' }).waitFor();
      const periodLink = page.getByRole('table', { name: 'Closed periods, newest first' }).getByRole('link').first();
      await periodLink.waitFor();
      await page
        .getByText(/^Check period .* yourself$/)
        .first()
        .click();
      await page.getByText('npx guildhall coop replay', { exact: false }).first().waitFor();
      expect(await captureBothWidths(page, 'web-transparency-index')).toEqual([]);
      expect(await fitsPhone(page)).toBe(true);

      await signInWithBrowser(page, t.origin, ana.username, ana.password, '/governance');
      await page.getByRole('heading', { level: 1, name: 'Governance' }).waitFor();
      await page.getByText('No proposal is open.').waitFor();
      expect(await captureBothWidths(page, 'web-governance-list-empty')).toEqual([]);

      await page.getByRole('link', { name: 'Propose a change' }).click();
      await page.getByRole('heading', { level: 1, name: 'Propose a change' }).waitFor();
      expect(await captureBothWidths(page, 'web-governance-new')).toEqual([]);
      expect(await fitsPhone(page)).toBe(true);
      await page.getByLabel('Why (shown to the members who vote)').fill('Pay more of each allocation in cash');
      await page.getByLabel('Cash part of each allocation (basis points)').fill('1000');
      await page.getByRole('button', { name: 'Propose' }).click();
      await page.getByText('cashBps must be an integer from 2000 to 10000').first().waitFor();
      expect(await page.getByLabel('Cash part of each allocation (basis points)').getAttribute('aria-invalid')).toBe(
        'true',
      );
      expect(await captureBothWidths(page, 'web-governance-new-refused')).toEqual([]);

      await page.getByLabel('Cash part of each allocation (basis points)').fill('3000');
      await page.getByRole('button', { name: 'Propose' }).click();
      await page.getByRole('heading', { level: 1, name: 'Proposal' }).waitFor();
      await page.getByText('Proposed. The vote is open.').waitFor();
      await page.getByText('Votes so far: 0 of 3 votes, quorum 1').waitFor();
      await page.getByLabel('Yes', { exact: true }).check();
      await page.getByRole('button', { name: 'Vote' }).click();
      await page.getByText('Your vote is counted.').waitFor();
      await page.getByText('Votes so far: 1 of 3 votes, quorum 1 (quorum met)').waitFor();
      expect(await page.getByText('Your vote:').textContent()).toBe('Your vote: Yes');
      await page.getByLabel('No', { exact: true }).check();
      await page.getByRole('button', { name: 'Change my vote' }).click();
      await page.getByText('Your vote is counted.').waitFor();
      expect(await page.getByText('Your vote:').textContent()).toBe('Your vote: No');
      expect(await captureBothWidths(page, 'web-governance-proposal')).toEqual([]);
      expect(await fitsPhone(page)).toBe(true);

      await page.getByRole('link', { name: '← All proposals' }).click();
      await page.getByRole('link', { name: 'Pay more of each allocation in cash' }).waitFor();
      await page.getByText('2,000 (20%)', { exact: true }).first().waitFor();
      expect(await captureBothWidths(page, 'web-governance-list')).toEqual([]);
      expect(await fitsPhone(page)).toBe(true);
      expect(cspViolations).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('renders the governance pages in the dark scheme', async () => {
    const { context, cspViolations } = await strictContext(browser, { colorScheme: 'dark' });
    const page = await context.newPage();
    try {
      await signInWithBrowser(page, t.origin, ana.username, ana.password, '/governance');
      await page.getByRole('heading', { level: 1, name: 'Governance' }).waitFor();
      const background = await page.evaluate(() => {
        const g = globalThis as unknown as {
          getComputedStyle(el: unknown): { backgroundColor: string };
          document: { body: unknown };
        };
        return g.getComputedStyle(g.document.body).backgroundColor;
      });
      expect(background).toBe('rgb(17, 24, 39)');
      expect(await captureBothWidths(page, 'web-governance-list-dark')).toEqual([]);
      expect(cspViolations).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
