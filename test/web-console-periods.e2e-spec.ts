import { DataSource } from 'typeorm';
import { CapitalService, PeriodService } from '@guildhall/coop';
import { Formatter } from '../apps/server/src/web/format';
import { signUp, type SignedUp } from './utils/factories';
import { FormClient } from './utils/oauth-pages';
import { createTestApp, type TestApp } from './utils/test-app';
import { csrfOf, formFields, makeStaff, submit, webClient } from './utils/web';

// The instance's currency (COOP_CURRENCY) is EUR by default.
const money = (cents: number) => new Formatter('en', 'EUR').money(cents);

/**
 * The stewards' close, payout and capital pages: admins only (GraphQL's rule), every action
 * CSRF-checked, confirmed on the server and audit-logged by the coop operation with the
 * session's account; the close posts what its preview showed.
 */
describe('web console: periods, payouts, capital', () => {
  let t: TestApp;
  let db: DataSource;
  let admin: SignedUp;
  let moderator: SignedUp;
  let ana: SignedUp;
  let ben: SignedUp;
  let adminWeb: FormClient;

  const gql = async <T>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> => {
    const res = await t.gql<T>(query, variables, token);
    if (!res.data || res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  const post = (who: SignedUp, content: string) =>
    gql<{ createPost: { id: string } }>(
      'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }',
      { input: { content, visibility: 'PUBLIC' } },
      who.token,
    );
  /** What an action writes: periods, ledger, audit log, capital policies. */
  const state = async () =>
    JSON.stringify(
      await db.query(
        `SELECT (SELECT json_agg(p ORDER BY p.seq)::text FROM coop_periods p) AS periods,
                (SELECT count(*) FROM coop_journal_entries) AS entries,
                (SELECT count(*) FROM audit_entries) AS audit,
                (SELECT count(*) FROM coop_capital_policies) AS policies`,
      ),
    );
  /** This suite's admin's entries (suites of a run share the database). */
  const audit = (action: string) =>
    db.query<{ actor_id: string; subject: string; details: Record<string, unknown> }[]>(
      `SELECT actor_id, subject, details FROM audit_entries WHERE action = $1 AND actor_id = $2 ORDER BY id`,
      [action, admin.account.id],
    );

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    admin = await signUp(t);
    await makeStaff(t, admin.account.id, 'admin');
    moderator = await signUp(t);
    await makeStaff(t, moderator.account.id, 'moderator');
    [ana, ben] = [await signUp(t), await signUp(t)];
    for (const member of [ana, ben]) {
      await gql('mutation { applyForMembership { status } }', {}, member.token);
      await gql('mutation($h: String!) { admitMember(handle: $h) { status } }', { h: member.username }, admin.token);
    }
    await db.query(`UPDATE coop_members SET joined_at = now() - interval '30 days'`);
    await t.app.get(PeriodService).close();
    // The bylaws' policy, whatever earlier suites of the run set (as the moderator: this admin's entries are the tests').
    await t.app.get(CapitalService).setPolicy(moderator.account.id, { revolvingPeriods: 60, minPayoutCents: 2500 });
    const { id } = (await post(ana, 'one')).createPost;
    await post(ana, 'two');
    await post(ben, 'three');
    await gql('mutation($id: ID!) { likePost(id: $id) { id } }', { id }, ben.token);
    await gql('mutation($id: ID!) { boostPost(id: $id) { id } }', { id }, ben.token);
    await gql(
      'mutation($i: RecordPaymentInput!) { recordRevenue(input: $i) { id } }',
      { i: { amountCents: 250_000 } },
      admin.token,
    );
    await gql(
      'mutation($i: RecordPaymentInput!) { recordCost(input: $i) { id } }',
      { i: { amountCents: 40_000 } },
      admin.token,
    );
    adminWeb = await webClient(t, admin);
  });

  afterAll(() => t.close());

  const PAGES = ['/console/periods', '/console/periods/preview', '/console/payouts', '/console/capital'];

  it('sends visitors to sign in and refuses members and moderators with 403', async () => {
    const visitor = new FormClient(t, 'http://guildhall.test');
    const member = await webClient(t, ana);
    const mod = await webClient(t, moderator);
    for (const page of PAGES) {
      const out = await visitor.get(page);
      expect(out.status).toBe(303);
      expect(out.headers.location).toBe(`/auth/sign_in?return_to=${encodeURIComponent(page)}`);
      const asMember = await member.get(page);
      expect(asMember.status).toBe(403);
      expect(asMember.text).toContain('This page is for stewards of the instance.');
      const asModerator = await mod.get(page);
      expect(asModerator.status).toBe(403);
      expect(asModerator.text).toContain('Only admins may close periods, run payouts or set the capital policy.');
    }
    // A moderator's own valid forms change nothing either.
    const before = await state();
    const token = csrfOf((await mod.get('/')).text);
    const open = (await t.app.get(PeriodService).openStatus()).period;
    const forms: [string, Record<string, string>][] = [
      [
        '/console/periods/close',
        { period: open.id, asOf: new Date().toISOString(), previewHash: 'a'.repeat(64), confirm: 'yes' },
      ],
      ['/console/payouts/run', { confirm: 'yes' }],
      ['/console/payouts/redeem', { through: open.id, confirm: 'yes' }],
      ['/console/capital', { revolvingPeriods: '2', minPayout: '1.00', reason: 'mod' }],
    ];
    for (const [action, fields] of forms) {
      const res = await mod.post(action, { authenticity_token: token, ...fields });
      expect(res.status).toBe(403);
    }
    expect(await state()).toBe(before);
  });

  it('shows the admin the open period with what was recorded so far', async () => {
    const { period, events } = await t.app.get(PeriodService).openStatus();
    const res = await adminWeb.get('/console/periods');
    expect(res.status).toBe(200);
    expect(res.text).toContain(`<h2 id="open-title">Open period ${period.id}</h2>`);
    // 3 posts, a like (ENGAGED for the author), a boost (ENGAGED for the author, CURATED for the booster).
    expect(events).toBe(6);
    expect(res.text).toContain('<span class="label">Contribution events so far</span><span class="value">6</span>');
    expect(res.text).toContain('<span class="label">Revenue recorded</span><span class="value">€2,500.00</span>');
    expect(res.text).toContain('<span class="label">Costs recorded</span><span class="value">€400.00</span>');
    expect(res.text).toContain('<span class="label">Net so far</span><span class="value">€2,100.00</span>');
    expect(res.text).toContain('<dt>Reserve</dt><dd>25% of the surplus</dd>');
    expect(res.text).toContain('<dt>Paid in cash</dt><dd>20% of each allocation');
    expect(res.text).toContain('<td>CREATOR</td><td class="num">60%</td>');
    expect(res.text).toContain('<td>PUBLISHED</td><td>CREATOR</td><td>10 points each, cap 100</td>');
    expect(res.text).toContain('<td>SPENT</td><td>SPEND</td><td>1 point per cent spent, no cap</td>');
    expect(res.text).toContain('href="/console/periods/preview"');
    expect(res.text).toContain(`<nav class="sub" aria-label="Stewards&#39; console">`);
  });

  let previewHtml: string;
  let previewHash: string;
  const previewFields = () => formFields(previewHtml, '/console/periods/close');

  it('previews the close: surplus split, pools and allocations, with nothing posted', async () => {
    const before = await state();
    const res = await adminWeb.get('/console/periods/preview');
    expect(res.status).toBe(200);
    expect(await state()).toBe(before);
    previewHtml = res.text;
    previewHash = formFields(previewHtml, '/console/periods/close').previewHash;
    expect(previewHash).toMatch(/^[0-9a-f]{64}$/);
    expect(previewHtml).toContain(`<dt>Output hash</dt><dd><code class="hash">${previewHash}</code></dd>`);
    expect(previewHtml).toContain('Nothing has been posted.');
    // Net 2,100.00: 25% to the reserve, 5% to the commons, the rest to the pools by their shares;
    // nobody spent, so the SPEND pool's 367.50 goes to the reserve too.
    for (const [label, cents] of [
      ['Net', 210_000],
      ['To the reserve (with unallocated pool amounts)', 52_500 + 36_750],
      ['To the commons', 10_500],
      ['Patronage (to the pools)', 147_000],
    ] as const) {
      expect(previewHtml).toContain(`<td>${label}</td><td class="num">${money(cents)}</td>`);
    }
    expect(previewHtml).toContain('<td>CREATOR</td><td class="num">€882.00</td>');
    expect(previewHtml).toContain('<td>CURATION</td><td class="num">€220.50</td>');
    expect(previewHtml).toContain(
      '<td>SPEND</td><td class="num">€367.50</td><td class="num">0</td><td class="num">€367.50</td>',
    );
    // Members by handle, with the engine's figures (a later preview ends later: another hash,
    // the same allocations).
    const preview = await t.app.get(PeriodService).previewClose();
    for (const member of preview.result.members) {
      const handle = preview.handles.get(member.id);
      expect([ana.username, ben.username]).toContain(handle);
      expect(previewHtml).toContain(
        `<td>@${handle}</td><td class="num">${money(member.allocation)}</td><td class="num">${money(member.cash)}</td>`,
      );
    }
    expect(preview.result.members).toHaveLength(2);
  });

  it('refuses forged close forms and changes nothing', async () => {
    const fields = formFields(previewHtml, '/console/periods/close');
    const before = await state();
    const other = await webClient(t, admin);
    const otherToken = csrfOf((await other.get('/console/periods')).text);
    expect(
      (await adminWeb.post('/console/periods/close', { ...fields, authenticity_token: '', confirm: 'yes' })).status,
    ).toBe(403);
    expect(
      (await adminWeb.post('/console/periods/close', { ...fields, authenticity_token: otherToken, confirm: 'yes' }))
        .status,
    ).toBe(403);
    expect(
      (await adminWeb.post('/console/periods/close', { ...fields, confirm: 'yes' }, 'https://evil.example')).status,
    ).toBe(403);
    const malformed = await adminWeb.post('/console/periods/close', { ...fields, asOf: 'yesterday', confirm: 'yes' });
    expect(malformed.status).toBe(422);
    expect(malformed.text).toContain('This close does not come from a preview');
    const stale = await adminWeb.post('/console/periods/close', {
      ...fields,
      asOf: new Date(Date.now() - 2 * 3600_000).toISOString(),
      confirm: 'yes',
    });
    expect(stale.status).toBe(422);
    expect(stale.text).toContain('The preview is more than an hour old');
    expect(await state()).toBe(before);
  });

  it('closes after the confirmation step, posting the previewed hash once', async () => {
    const fields = formFields(previewHtml, '/console/periods/close');
    const before = await state();
    const asked = await adminWeb.post('/console/periods/close', fields);
    expect(asked.status).toBe(200);
    expect(asked.text).toContain(`<h1>Close ${fields.period}?</h1>`);
    expect(asked.text).toContain(`The preview's output hash: <code class="hash">${previewHash}</code>`);
    expect(await state()).toBe(before);
    const confirm = formFields(asked.text, '/console/periods/close');
    expect(confirm).toMatchObject({ period: fields.period, asOf: fields.asOf, previewHash, confirm: 'yes' });
    const closed = await adminWeb.post('/console/periods/close', confirm);
    expect(closed.status).toBe(303);
    expect(closed.headers.location).toBe('/console/periods');
    expect((await adminWeb.get('/console/periods')).text).toContain(
      `Closed ${fields.period}. Output hash ${previewHash}, the same as the preview.`,
    );
    const [row] = await db.query(`SELECT status, output_hash FROM coop_periods WHERE id = $1`, [fields.period]);
    expect(row).toEqual({ status: 'closed', output_hash: previewHash });
    const closes = async () => (await audit('coop.close_period')).filter((e) => e.subject === fields.period);
    expect(await closes()).toEqual([
      {
        actor_id: admin.account.id,
        subject: fields.period,
        details: expect.objectContaining({ outputHash: previewHash, end: fields.asOf, revenueCents: 250_000 }),
      },
    ]);
    // The same confirmed form again (a double submit) posts nothing.
    const entries = await db.query(`SELECT count(*)::int AS n FROM coop_journal_entries`);
    const again = await adminWeb.post('/console/periods/close', {
      ...confirm,
      authenticity_token: csrfOf((await adminWeb.get('/console/periods')).text),
    });
    expect(again.status).toBe(303);
    expect((await adminWeb.get('/console/periods')).text).toContain(
      `${fields.period} was closed already: nothing was posted.`,
    );
    expect(await db.query(`SELECT count(*)::int AS n FROM coop_journal_entries`)).toEqual(entries);
    expect(await closes()).toHaveLength(1);
  });

  it('shows what is payable and runs payouts after the confirmation step', async () => {
    const { edges } = await t.app.get(CapitalService).payables(40);
    const mine = edges
      .map((e) => e.node)
      .filter((p) => p.accountId === ana.account.id || p.accountId === ben.account.id);
    expect(mine).toHaveLength(2);
    const page = await adminWeb.get('/console/payouts');
    expect(page.status).toBe(200);
    for (const p of mine) {
      expect(page.text).toContain(
        `<td>@${p.handle}</td><td>active</td><td class="num">${money(p.patronageCents)}</td><td class="num">${money(p.redemptionCents)}</td><td class="num">${money(p.totalCents)}</td><td>${p.dueNextRun ? 'paid' : 'carried'}</td>`,
      );
    }
    const closed = (await t.app.get(PeriodService).find(previewFields().period))!;
    expect(closed.status).toBe('closed');
    expect(page.text).not.toContain(`<td>${closed.id}</td>`);

    const before = await state();
    const asked = await submit(adminWeb, '/console/payouts', '/console/payouts/run', {});
    expect(asked.status).toBe(200);
    expect(asked.text).toContain('<h1>Run payouts?</h1>');
    expect(await state()).toBe(before);
    const ran = await adminWeb.post('/console/payouts/run', formFields(asked.text, '/console/payouts/run'));
    expect(ran.status).toBe(200);
    const [entry] = await audit('coop.run_payouts');
    expect(entry.actor_id).toBe(admin.account.id);
    const total = Number(entry.details.totalCents);
    const paidCount = Number(entry.details.paid);
    expect(ran.text).toContain(`Paid ${money(total)} to ${paidCount} ${paidCount === 1 ? 'member' : 'members'}.`);
    const paid = await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM coop_journal_entries WHERE key = $1`, [
      `payout:${entry.subject}`,
    ]);
    expect(paid).toEqual([{ n: 1 }]);
    const after = await adminWeb.get('/console/payouts');
    expect(after.text).toMatch(
      new RegExp(
        `<td>${entry.subject.replace('.', '\\.')}</td><td>[^<]+ UTC</td><td class="num">${String(entry.details.paid)}</td><td class="num">${money(total)}</td>`,
      ),
    );
    // Again: the run was made already.
    const again = await adminWeb.post('/console/payouts/run', {
      ...formFields(asked.text, '/console/payouts/run'),
      authenticity_token: csrfOf(after.text),
    });
    expect(again.text).toContain(`The run after ${entry.subject} was made already: nothing was posted this time.`);
    expect(await audit('coop.run_payouts')).toHaveLength(1);
  });

  it('redeems vintages early after confirmation, and refuses what is not a closed period', async () => {
    const before = await state();
    const empty = await submit(adminWeb, '/console/payouts', '/console/payouts/redeem', { through: '' });
    expect(empty.status).toBe(422);
    expect(empty.text).toContain(
      '<p class="field-error" id="field-through-error">Enter a closed period, e.g. 2026-11.</p>',
    );
    const unknown = await submit(adminWeb, '/console/payouts', '/console/payouts/redeem', {
      through: '2099-01',
      confirm: 'yes',
    });
    expect(unknown.status).toBe(422);
    expect(unknown.text).toContain('2099-01 is not a closed period');
    expect(await state()).toBe(before);

    const [{ id: vintage }] = await db.query(
      `SELECT id FROM coop_periods WHERE status = 'closed' ORDER BY seq DESC LIMIT 1`,
    );
    const asked = await submit(adminWeb, '/console/payouts', '/console/payouts/redeem', { through: vintage });
    expect(asked.text).toContain(`<h1>Redeem vintages through ${vintage}?</h1>`);
    expect(await state()).toBe(before);
    const done = await adminWeb.post('/console/payouts/redeem', formFields(asked.text, '/console/payouts/redeem'));
    expect(done.status).toBe(303);
    const [entry] = await audit('coop.redeem_vintages');
    expect(entry).toMatchObject({ actor_id: admin.account.id, subject: vintage });
    // This suite's vintage, and any earlier suite's still holding capital.
    const vintages = entry.details.vintages as string[];
    expect(vintages).toContain(vintage);
    const count = vintages.length === 1 ? '1 vintage' : `${vintages.length} vintages`;
    expect((await adminWeb.get('/console/payouts')).text).toContain(
      `Redeemed ${count} through ${vintage}: ${money(Number(entry.details.amountCents))} is now payable.`,
    );
  });

  it('shows the capital policy with the bylaws, refuses values out of bounds with 422 and sets it as the session', async () => {
    const page = await adminWeb.get('/console/capital');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<dt>Revolving period</dt><dd>60 closes');
    expect(page.text).toContain('(bylaws: 1 to 240)');
    expect(page.text).toContain('<dt>Minimum payout</dt><dd>€25.00');
    expect(page.text).toContain('(bylaws: €0.00 to €1,000.00)');
    expect(page.text).toContain('name="minPayout" type="text" value="25.00"');

    const before = await state();
    const tooLong = await submit(adminWeb, '/console/capital', '/console/capital', {
      revolvingPeriods: '300',
      minPayout: '25.00',
      reason: 'x',
    });
    expect(tooLong.status).toBe(422);
    expect(tooLong.text).toContain(
      '<p class="field-error" id="field-revolvingPeriods-error">Must be from 1 to 240 closes (bylaws).</p>',
    );
    expect(tooLong.text).toContain('value="300"');
    const tooMuch = await submit(adminWeb, '/console/capital', '/console/capital', {
      revolvingPeriods: '24',
      minPayout: '1000.01',
      reason: '',
    });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.text).toContain(
      '<p class="field-error" id="field-minPayout-error">Must be from €0.00 to €1,000.00 (bylaws).</p>',
    );
    const words = await submit(adminWeb, '/console/capital', '/console/capital', {
      revolvingPeriods: 'two',
      minPayout: 'lots',
      reason: '',
    });
    expect(words.status).toBe(422);
    expect(words.text).toContain('Enter a whole number of closes.');
    expect(words.text).toContain(
      'Write the amount with digits and at most two decimals, e.g. 1234.50 (no thousands separators).',
    );
    expect(await state()).toBe(before);

    // An actor id in the form is ignored: the change is the session's.
    const set = await submit(adminWeb, '/console/capital', '/console/capital', {
      revolvingPeriods: '24',
      minPayout: '30,5',
      reason: 'Two years',
      actorId: ana.account.id,
      setBy: ana.account.id,
    });
    expect(set.status).toBe(303);
    const [policy] = await db.query(
      `SELECT revolving_periods, min_payout_cents::int AS min_payout_cents, set_by, reason FROM coop_capital_policies ORDER BY created_at DESC LIMIT 1`,
    );
    expect(policy).toEqual({
      revolving_periods: 24,
      min_payout_cents: 3050,
      set_by: admin.account.id,
      reason: 'Two years',
    });
    expect(await audit('coop.set_capital_policy')).toEqual([
      {
        actor_id: admin.account.id,
        subject: 'capital policy',
        details: {
          revolvingPeriods: 24,
          minPayoutCents: 3050,
          previous: { revolvingPeriods: 60, minPayoutCents: 2500 },
          reason: 'Two years',
        },
      },
    ]);
    const shown = await adminWeb.get('/console/capital');
    expect(shown.text).toContain('Capital policy set.');
    expect(shown.text).toContain('<dt>Revolving period</dt><dd>24 closes');
    expect(shown.text).toContain('<dt>Reason</dt><dd>Two years</dd>');
  });
});
