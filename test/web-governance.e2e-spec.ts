import { DataSource } from 'typeorm';
import { GovernanceService } from '@guildhall/coop';
import { signUp, type SignedUp } from './utils/factories';
import { FormClient } from './utils/oauth-pages';
import { createTestApp, type TestApp } from './utils/test-app';
import { csrfOf, makeStaff, submit, webClient } from './utils/web';

const PROPOSE = 'mutation($input: ProposeParametersInput!) { proposeParameters(input: $input) { id } }';

/**
 * Governance pages: proposals with their diff, bylaw bounds, quorum and majority progress and
 * the reader's vote; voting (and changing a vote) until the window closes; proposing within the
 * bylaws. The electorate is this suite's four members (other suites' are set inactive while it
 * runs and restored after); the one proposal adopted here sets the bylaws' default cash part.
 */
describe('web app: governance', () => {
  let t: TestApp;
  let db: DataSource;
  let steward: SignedUp;
  let ana: SignedUp;
  let ben: SignedUp;
  let cy: SignedUp;
  let outsider: SignedUp;
  let sidelined: string[] = [];
  let proposalId: string;

  const proposalsOf = async (who: SignedUp) =>
    (
      await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM coop_proposals WHERE proposer_id = $1`, [
        who.account.id,
      ])
    )[0].n;
  const votesOn = (id: string) =>
    db.query<{ member_id: string; choice: string }[]>(
      `SELECT member_id, choice FROM coop_votes WHERE proposal_id = $1 ORDER BY member_id`,
      [id],
    );

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    steward = await signUp(t);
    await makeStaff(t, steward.account.id, 'admin');
    [ana, ben, cy, outsider] = [await signUp(t), await signUp(t), await signUp(t), await signUp(t)];
    for (const member of [steward, ana, ben, cy]) {
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
      [[steward, ana, ben, cy].map((m) => m.account.id)],
    );
    sidelined = rows.map((r) => r.account_id);
    // Proposals other suites left open are not this suite's to show.
    await db.query(`UPDATE coop_proposals SET closes_at = now() WHERE status = 'open'`);
    await t.app.get(GovernanceService).closeDue();
  });

  afterAll(async () => {
    await db.query(`UPDATE coop_proposals SET closes_at = now() WHERE status = 'open'`);
    await t.app.get(GovernanceService).closeDue();
    await db.query(`UPDATE coop_members SET status = 'active' WHERE account_id = ANY($1::uuid[])`, [sidelined]);
    await t.close();
  });

  it('sends signed-out visitors to sign in first', async () => {
    for (const path of ['/governance', '/governance/new']) {
      const res = await new FormClient(t, 'http://guildhall.test').get(path);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/auth/sign_in?return_to=${encodeURIComponent(path)}`);
    }
  });

  it('shows the propose form with current values prefilled and the bounds as hints', async () => {
    const res = await (await webClient(t, ana)).get('/governance/new');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1>Propose a change</h1>');
    expect(res.text).toMatch(
      /<input id="field-cashBps" name="cashBps" type="number" value="2000" min="2000" max="10000" step="1" aria-describedby="field-cashBps-hint">/,
    );
    expect(res.text).toContain('Now: 2,000 (20%). Bylaws: 2,000 to 10,000 (20% to 100%).');
    expect(res.text).toContain('name="pool_CREATOR" type="number" value="6000"');
    expect(res.text).toContain('Now: 3. Bylaws: 1 to 120 periods.');
    expect(res.text).not.toContain('Only active members of the co-op propose');
  });

  it('makes a proposal from the form as the signed-in member, whatever id the form names', async () => {
    const browser = await webClient(t, ana);
    const res = await submit(browser, '/governance/new', '/governance/new', {
      rationale: 'More cash now',
      cashBps: '3000',
      reserveBps: '2500',
      proposerId: ben.account.id,
      accountId: ben.account.id,
    });
    expect(res.status).toBe(303);
    const [row] = await db.query<{ id: string; proposer_id: string; changes: unknown; rationale: string }[]>(
      `SELECT id, proposer_id, changes, rationale FROM coop_proposals WHERE rationale = 'More cash now'`,
    );
    proposalId = row.id;
    expect(res.headers.location).toBe(`/governance/proposals/${row.id}`);
    expect(row).toMatchObject({ proposer_id: ana.account.id, changes: { cashBps: 3000 } });
    const page = await browser.get(res.headers.location);
    expect(page.text).toContain('<p class="notice ok" role="status">Proposed. The vote is open.</p>');
  });

  it.each([
    [
      'out of bounds',
      { cashBps: '1000' },
      '<p class="field-error" id="field-cashBps-error">cashBps must be an integer from 2000 to 10000 (bylaws: cash share at least 20%), got 1000</p>',
    ],
    [
      'pools not summing to 100%',
      { pool_CREATOR: '7000' },
      '<p class="field-error" id="pools-error">pools must sum to 10000, got 11000</p>',
    ],
    [
      'not a number',
      { unitBudget: 'lots' },
      '<p class="field-error" id="field-unitBudget-error">Enter a whole number.</p>',
    ],
    [
      'no change',
      { cashBps: '2000' },
      '<p class="notice error" role="alert">a proposal must change at least one parameter</p>',
    ],
  ])('refuses a proposal %s with 422 and the field error, storing nothing', async (_why, fields, error) => {
    const browser = await webClient(t, ana);
    const before = await proposalsOf(ana);
    const res = await submit(browser, '/governance/new', '/governance/new', { rationale: 'keep me', ...fields });
    expect(res.status).toBe(422);
    expect(res.text).toContain(error);
    expect(res.text).toContain('>keep me</textarea>');
    expect(await proposalsOf(ana)).toBe(before);
  });

  it('refuses a proposal from an account that is not an active member', async () => {
    const browser = await webClient(t, outsider);
    const form = await browser.get('/governance/new');
    expect(form.text).toContain('Only active members of the co-op propose');
    const res = await submit(browser, '/governance/new', '/governance/new', { cashBps: '3000' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('<p class="notice error" role="alert">Only active members propose</p>');
    expect(await proposalsOf(outsider)).toBe(0);
  });

  it('lists the open proposal with its diff, bounds and progress for each role', async () => {
    const member = await (await webClient(t, ben)).get('/governance');
    expect(member.status).toBe(200);
    expect(member.text).toContain('<h1>Governance</h1>');
    expect(member.text).toContain('href="/governance/new"');
    expect(member.text).toContain(`href="/governance/proposals/${proposalId}">More cash now</a>`);
    expect(member.text).toContain('<td>Cash part of each allocation (basis points)</td>');
    expect(member.text).toContain(
      '<span class="diff-old">2,000 (20%)</span> → <span class="diff-new">3,000 (30%)</span>',
    );
    expect(member.text).toContain('Bylaws: 2,000 to 10,000 (20% to 100%).');
    // Unchanged, so not in its diff (the run's other suites may have decided proposals of their own).
    const own = member.text.slice(member.text.indexOf(`aria-labelledby="proposal-${proposalId}"`));
    expect(own.slice(0, own.indexOf('</article>'))).toContain('More cash now');
    expect(own.slice(0, own.indexOf('</article>'))).not.toContain('Indivisible reserve');
    expect(member.text).toContain('Votes so far: 0 of 4 votes, quorum 1</p>');
    expect(member.text).toContain('<p>You have not voted.</p>');

    const stewardPage = await (await webClient(t, steward)).get('/governance');
    expect(stewardPage.text).toContain('Votes so far: 0 of 4 votes, quorum 1</p>');
    expect(stewardPage.text).toContain('href="/governance/new"');

    const outsiderPage = await (await webClient(t, outsider)).get('/governance');
    expect(outsiderPage.status).toBe(200);
    expect(outsiderPage.text).toContain('Only active members of the co-op propose and vote.');
    expect(outsiderPage.text).not.toContain('href="/governance/new"');
    expect(outsiderPage.text).toContain('Votes so far: 0 of 4 votes, quorum 1</p>');
    const one = await (await webClient(t, outsider)).get(`/governance/proposals/${proposalId}`);
    expect(one.text).not.toContain('name="choice"');
    expect(one.text).toContain('Only active members of the co-op vote.');
  });

  it('votes, shows my vote and lets me change it before the window closes', async () => {
    const browser = await webClient(t, ana);
    const page = `/governance/proposals/${proposalId}`;
    const form = await browser.get(page);
    expect(form.text).toContain('<legend>Your vote</legend>');
    let res = await submit(browser, page, `${page}/vote`, { choice: 'YES' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(page);
    let shown = await browser.get(page);
    expect(shown.text).toContain('<p class="notice ok" role="status">Your vote is counted.</p>');
    expect(shown.text).toContain('<p>Your vote: <strong>Yes</strong></p>');
    expect(shown.text).toContain('Votes so far: 1 of 4 votes, quorum 1 (quorum met)</p>');
    expect(shown.text).toContain('value="YES" checked');
    res = await submit(browser, page, `${page}/vote`, { choice: 'NO' });
    expect(res.status).toBe(303);
    shown = await browser.get(page);
    expect(shown.text).toContain('<p>Your vote: <strong>No</strong></p>');
    expect(shown.text).toContain('Majority: 0 yes, 1 no (0% yes; more than 50% needed), 0 abstained</p>');
    expect(await votesOn(proposalId)).toEqual([{ member_id: ana.account.id, choice: 'NO' }]);
  });

  it("records a vote as the session's member even when the form names another", async () => {
    const browser = await webClient(t, cy);
    const page = `/governance/proposals/${proposalId}`;
    const res = await submit(browser, page, `${page}/vote`, {
      choice: 'YES',
      memberId: ben.account.id,
      accountId: ben.account.id,
    });
    expect(res.status).toBe(303);
    const votes = await votesOn(proposalId);
    expect(votes.find((v) => v.member_id === cy.account.id)?.choice).toBe('YES');
    expect(votes.find((v) => v.member_id === ben.account.id)).toBeUndefined();
  });

  it('refuses forged vote forms and changes nothing', async () => {
    const page = `/governance/proposals/${proposalId}`;
    const browser = await webClient(t, ben);
    const other = await webClient(t, cy);
    const before = await votesOn(proposalId);
    const foreignToken = csrfOf((await other.get(page)).text);
    const ownToken = csrfOf((await browser.get(page)).text);
    const attempts = [
      await browser.post(`${page}/vote`, { choice: 'NO' }),
      await browser.post(`${page}/vote`, { authenticity_token: foreignToken, choice: 'NO' }),
      await browser.post(`${page}/vote`, { authenticity_token: ownToken, choice: 'NO' }, 'https://evil.example'),
      await browser.post('/governance/new', { authenticity_token: foreignToken, cashBps: '4000' }),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(403);
      expect(res.text).toContain('<h1>Form expired</h1>');
    }
    expect(await votesOn(proposalId)).toEqual(before);
    expect(await proposalsOf(ben)).toBe(0);
  });

  it('refuses a vote without a valid choice, and an outsider’s vote', async () => {
    const page = `/governance/proposals/${proposalId}`;
    const before = await votesOn(proposalId);
    const bad = await submit(await webClient(t, ben), page, `${page}/vote`, { choice: 'MAYBE' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('<p class="notice error" role="alert">Choose yes, no or abstain.</p>');
    const outsiderVote = await submit(await webClient(t, outsider), page, `${page}/vote`, { choice: 'YES' });
    expect(outsiderVote.status).toBe(403);
    expect(outsiderVote.text).toContain('<p class="notice error" role="alert">Only active members vote</p>');
    expect(await votesOn(proposalId)).toEqual(before);
  });

  it('answers 404 for an unknown proposal', async () => {
    const browser = await webClient(t, ana);
    expect((await browser.get('/governance/proposals/not-an-id')).status).toBe(404);
    expect((await browser.get('/governance/proposals/0190a1b2-0000-7000-8000-000000000000')).status).toBe(404);
  });

  it('refuses a vote after the window closed, then shows the result the sweep decided', async () => {
    const page = `/governance/proposals/${proposalId}`;
    const browser = await webClient(t, ben);
    await db.query(`UPDATE coop_proposals SET closes_at = now() - interval '1 second' WHERE id = $1`, [proposalId]);
    const closedForm = await browser.get(page);
    expect(closedForm.text).not.toContain('name="choice"');
    const before = await votesOn(proposalId);
    const late = await browser.post(`${page}/vote`, { authenticity_token: csrfOf(closedForm.text), choice: 'YES' });
    expect(late.status).toBe(409);
    expect(late.text).toContain('<p class="notice error" role="alert">The vote on this proposal is closed</p>');
    expect(await votesOn(proposalId)).toEqual(before);

    // The sweep decides every due proposal of the database, which other suites of the run share
    // (one of theirs may be due too): this one is among them, as its page shows below.
    expect(await t.app.get(GovernanceService).closeDue()).toBeGreaterThanOrEqual(1);
    const [{ status }] = await db.query<{ status: string }[]>('SELECT status FROM coop_proposals WHERE id = $1', [
      proposalId,
    ]);
    expect(status).toBe('rejected');
    const decided = await browser.get(page);
    expect(decided.text).toContain('<span class="badge danger">Rejected</span>');
    expect(decided.text).toContain('Counted: 2 of 4 votes, quorum 1 (quorum met)</p>');
    expect(decided.text).toContain('<strong>Result:</strong> no majority: 1 YES, 1 NO');
    expect(decided.text).toContain('<span class="diff-new">3,000 (30%)</span>');
  });

  it('shows an adopted proposal with the period it applies from', async () => {
    const res = await t.gql<{ proposeParameters: { id: string } }>(
      PROPOSE,
      { input: { cashBps: 2000, rationale: 'Keep the cash part at 20%' } },
      ben.token,
    );
    const id = res.data!.proposeParameters.id;
    for (const who of [ana, ben]) {
      await t.gql('mutation($id: ID!) { vote(proposalId: $id, choice: YES) { id } }', { id }, who.token);
    }
    await db.query(`UPDATE coop_proposals SET closes_at = now() - interval '1 second' WHERE id = $1`, [id]);
    expect(await t.app.get(GovernanceService).closeDue()).toBe(1);
    const [{ id: open }] = await db.query<{ id: string }[]>(`SELECT id FROM coop_periods WHERE status = 'open'`);
    const list = await (await webClient(t, cy)).get('/governance');
    expect(list.text).toContain('<span class="badge ok">Adopted</span>');
    expect(list.text).toContain('<strong>Result:</strong> adopted: 2 YES, 0 NO, 0 ABSTAIN');
    expect(list.text).toContain(`<p>Applies from the period after ${open}, once it closes.</p>`);
    expect(list.text).toContain('No proposal is open.');
  });
});
