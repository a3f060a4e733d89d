import { createHmac } from 'node:crypto';
import { DataSource } from 'typeorm';
import { signUp, type SignedUp } from './utils/factories';
import { freshDatabase } from './utils/fresh-database';
import { FormClient } from './utils/oauth-pages';
import { createTestApp, type TestApp } from './utils/test-app';
import { csrfOf, hiddenValue, makeStaff, submit, webClient } from './utils/web';

const SECRET = 'a-webhook-secret-of-at-least-32-characters';

interface AuditRow {
  actorId: string | null;
  action: string;
  subject: string;
  details: Record<string, unknown>;
}

/** A database of its own: the counts, lists and logs asserted here are exact. */
describe("web app: the stewards' console (applications, members, money, audit)", () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let t: TestApp;
  let db: DataSource;
  let admin: SignedUp;
  let moderator: SignedUp;
  let outsider: SignedUp;
  let admin2: SignedUp;

  const gql = async <T>(query: string, variables: Record<string, unknown>, token: string): Promise<T> => {
    const res = await t.gql<T>(query, variables, token);
    if (!res.data || res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  const apply = (member: SignedUp) => gql('mutation { applyForMembership { status } }', {}, member.token);
  const statusOf = async (member: SignedUp): Promise<string | null> => {
    const [row] = await db.query<{ status: string }[]>(`SELECT status FROM coop_members WHERE account_id = $1`, [
      member.account.id,
    ]);
    return row?.status ?? null;
  };
  const audits = (action?: string): Promise<AuditRow[]> =>
    db.query<AuditRow[]>(
      `SELECT actor_id AS "actorId", action, subject, details FROM audit_entries
        WHERE $1::text IS NULL OR action = $1 ORDER BY id`,
      [action ?? null],
    );
  const paymentCount = async (): Promise<number> =>
    (await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM coop_payments`))[0].n;
  const webhook = (body: object, secret = SECRET) => {
    const raw = JSON.stringify(body);
    return t
      .http()
      .post('/api/v1/coop/payments')
      .set('content-type', 'application/json')
      .set('x-guildhall-signature', `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`)
      .send(raw);
  };

  beforeAll(async () => {
    database = await freshDatabase();
    t = await createTestApp({ DATABASE_URL: database.url, COOP_WEBHOOK_SECRET: SECRET, COOP_CURRENCY: 'EUR' });
    db = t.app.get(DataSource);
    admin = await signUp(t);
    await makeStaff(t, admin.account.id, 'admin');
    admin2 = await signUp(t);
    await makeStaff(t, admin2.account.id, 'admin');
    moderator = await signUp(t);
    await makeStaff(t, moderator.account.id, 'moderator');
    outsider = await signUp(t);
  });

  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  describe('who sees the console', () => {
    const pages = ['/console', '/console/applications', '/console/members', '/console/money', '/console/audit'];

    it('sends signed-out visitors to sign in', async () => {
      const visitor = new FormClient(t, 'http://guildhall.test');
      for (const page of pages) {
        const res = await visitor.get(page);
        expect(res.status).toBe(303);
        expect(res.headers.location).toBe(`/auth/sign_in?return_to=${encodeURIComponent(page)}`);
      }
    });

    it('answers 403 to a member who is not a steward', async () => {
      const browser = await webClient(t, outsider);
      for (const page of pages) {
        const res = await browser.get(page);
        expect(res.status).toBe(403);
        expect(res.text).toContain('This page is for stewards of the instance.');
      }
    });

    it('shows moderators every page with the nav, but no admin forms', async () => {
      const browser = await webClient(t, moderator);
      for (const page of pages) {
        const res = await browser.get(page);
        expect(res.status).toBe(200);
        expect(res.text).toContain('<nav class="sub" aria-label="Stewards&#39; console">');
        for (const href of ['/console/periods', '/console/payouts', '/console/capital', '/console/domains']) {
          expect(res.text).toContain(`href="${href}"`);
        }
        expect(res.text).toContain(`<a href="${page}" aria-current="page">`);
      }
      const money = await browser.get('/console/money');
      expect(money.text).toContain('Only admins record money');
      expect(money.text).not.toContain('action="/console/money/revenue"');
    });
  });

  describe('overview and applications', () => {
    let applicant: SignedUp;
    let second: SignedUp;

    beforeAll(async () => {
      applicant = await signUp(t);
      second = await signUp(t);
      await apply(applicant);
      await apply(second);
    });

    it('counts what waits for the stewards, with links', async () => {
      const [period] = await db.query(`SELECT id FROM coop_periods WHERE status = 'open'`);
      const res = await (await webClient(t, admin)).get('/console');
      expect(res.status).toBe(200);
      const [open] = await db.query(`SELECT id FROM coop_periods WHERE status = 'open'`);
      const figure = (label: string) =>
        new RegExp(`<span class="label">${label}</span><span class="value">([^<]*)</span>`).exec(res.text)?.[1];
      const pending = (await db.query(`SELECT count(*)::int AS n FROM coop_members WHERE status = 'pending'`))[0].n;
      const members = (
        await db.query(`SELECT count(*)::int AS n FROM coop_members WHERE status IN ('active','inactive','suspended')`)
      )[0].n;
      expect(figure('Pending applications')).toBe(String(pending));
      expect(pending).toBeGreaterThanOrEqual(2);
      expect(figure('Open reports')).toBe('0');
      expect(figure('Members')).toBe(String(members));
      expect(figure('Open period')).toBe((period ?? open).id);
      expect(figure('Payable to members')).toBe('€0.00');
      expect(res.text).toContain('href="/console/applications"');
      expect(res.text).toContain('href="/console/reports"');
    });

    it('lists pending applications; admins get an Admit button, moderators do not', async () => {
      const asAdmin = await (await webClient(t, admin)).get('/console/applications');
      expect(asAdmin.text).toContain(`<a href="/@${applicant.username}">@${applicant.username}</a>`);
      expect(asAdmin.text).toContain(`<button type="submit" class="primary">Admit @${applicant.username}</button>`);
      const asModerator = await (await webClient(t, moderator)).get('/console/applications');
      expect(asModerator.text).toContain(`@${applicant.username}`);
      expect(asModerator.text).not.toContain('action="/console/applications/admit"');
    });

    it('refuses forged admissions and moderators, changing nothing and logging nothing', async () => {
      const browser = await webClient(t, admin);
      const other = await webClient(t, outsider);
      const othersToken = csrfOf((await other.get('/')).text);
      expect((await browser.post('/console/applications/admit', { handle: applicant.username })).status).toBe(403);
      expect(
        (
          await browser.post('/console/applications/admit', {
            authenticity_token: othersToken,
            handle: applicant.username,
          })
        ).status,
      ).toBe(403);
      const token = csrfOf((await browser.get('/console/applications')).text);
      expect(
        (
          await browser.post(
            '/console/applications/admit',
            { authenticity_token: token, handle: applicant.username },
            'https://evil.example',
          )
        ).status,
      ).toBe(403);
      const mod = await webClient(t, moderator);
      const refused = await submit(mod, '/console/applications', '/console/applications/admit', {
        handle: applicant.username,
      });
      expect(refused.status).toBe(403);
      expect(refused.text).toContain('Only admins may admit members.');
      expect(await statusOf(applicant)).toBe('pending');
      expect(await audits('coop.admit')).toEqual([]);
    });

    it('admits from the form; the audit entry names the session’s admin, not a forged id', async () => {
      const browser = await webClient(t, admin);
      const res = await submit(browser, '/console/applications', '/console/applications/admit', {
        handle: applicant.username,
        actorId: admin2.account.id,
        accountId: admin2.account.id,
      });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/console/applications');
      expect(await statusOf(applicant)).toBe('active');
      expect(await audits('coop.admit')).toEqual([
        {
          actorId: admin.account.id,
          action: 'coop.admit',
          subject: applicant.username,
          details: { accountId: applicant.account.id, sharePaidCents: 1000 },
        },
      ]);
      const next = await browser.get('/console/applications');
      expect(next.text).toContain(`Admitted @${applicant.username}.`);
      expect(next.text).not.toContain(`Admit @${applicant.username}<`);
    });

    it('refuses admitting someone with no pending application: 409, no entry', async () => {
      const res = await submit(await webClient(t, admin), '/console/applications', '/console/applications/admit', {
        handle: applicant.username,
      });
      expect(res.status).toBe(409);
      expect(res.text).toContain(`${applicant.username} has no pending application`);
      expect(await audits('coop.admit')).toHaveLength(1);
    });

    it('logs GraphQL admissions with the admin too, and a failed one not at all', async () => {
      await gql('mutation($h: String!) { admitMember(handle: $h) { status } }', { h: second.username }, admin2.token);
      const failed = await t.gql(
        'mutation($h: String!) { admitMember(handle: $h) { status } }',
        {
          h: second.username,
        },
        admin2.token,
      );
      expect(failed.errors?.[0]?.extensions?.code).toBe('CONFLICT');
      const entries = (await audits('coop.admit')).filter((e) => e.subject === second.username);
      expect(entries).toEqual([
        {
          actorId: admin2.account.id,
          action: 'coop.admit',
          subject: second.username,
          details: { accountId: second.account.id, sharePaidCents: 1000 },
        },
      ]);
    });
  });

  describe('members and expulsion', () => {
    let member: SignedUp;

    beforeAll(async () => {
      member = await signUp(t);
      await apply(member);
      await gql('mutation($h: String!) { admitMember(handle: $h) { status } }', { h: member.username }, admin.token);
    });

    it('lists members with status, units and joining date; filters by status', async () => {
      const [row] = await db.query(`SELECT joined_at FROM coop_members WHERE account_id = $1`, [member.account.id]);
      const joined = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' }).format(row.joined_at);
      const res = await (await webClient(t, moderator)).get('/console/members');
      expect(res.status).toBe(200);
      const line = new RegExp(`<tr><td><a href="/@${member.username}">@${member.username}</a></td>.*?</tr>`).exec(
        res.text,
      )?.[0];
      expect(line).toContain('<span class="badge ok">active</span>');
      expect(line).toContain('<td class="num">0</td><td class="num">0</td>');
      expect(line).toContain(`<td>${joined}</td>`);
      expect(line).toContain(`href="/console/accounts?handle=${member.username}"`);
      expect(line).not.toContain('Expel');
      const left = await (await webClient(t, moderator)).get('/console/members?status=left');
      expect(left.text).not.toContain(`@${member.username}`);
      expect((await (await webClient(t, moderator)).get('/console/members?status=nope')).status).toBe(422);
    });

    it('asks for confirmation before expelling, then expels and logs it', async () => {
      const browser = await webClient(t, admin);
      const page = await browser.get('/console/members');
      expect(page.text).toContain(`Expel @${member.username}</button>`);
      const first = await browser.post('/console/members/expel', {
        authenticity_token: csrfOf(page.text),
        handle: member.username,
      });
      expect(first.status).toBe(200);
      expect(first.text).toContain(`<h1>Expel @${member.username}?</h1>`);
      expect(hiddenValue(first.text, 'confirm')).toBe('yes');
      expect(await statusOf(member)).toBe('active');
      expect(await audits('coop.expel')).toEqual([]);

      const moderatorTry = await (
        await webClient(t, moderator)
      ).post('/console/members/expel', {
        authenticity_token: csrfOf((await (await webClient(t, moderator)).get('/console/members')).text),
        handle: member.username,
        confirm: 'yes',
      });
      expect(moderatorTry.status).toBe(403);
      expect(await statusOf(member)).toBe('active');

      const done = await browser.post('/console/members/expel', {
        authenticity_token: csrfOf(first.text),
        handle: member.username,
        confirm: 'yes',
      });
      expect(done.status).toBe(303);
      expect(await statusOf(member)).toBe('expelled');
      expect(await audits('coop.expel')).toEqual([
        {
          actorId: admin.account.id,
          action: 'coop.expel',
          subject: member.username,
          details: { accountId: member.account.id, unitsRetired: 0 },
        },
      ]);
      const again = await browser.post('/console/members/expel', {
        authenticity_token: csrfOf(first.text),
        handle: member.username,
        confirm: 'yes',
      });
      expect(again.status).toBe(403);
      expect(again.text).toContain('Not a member in good standing');
      expect(await audits('coop.expel')).toHaveLength(1);
    });

    it('lists the memberships to stewards in GraphQL, filtered by status, and to no one else', async () => {
      const query = `query($s: [String!]) { coopMembers(status: $s, first: 40) { edges { node { handle status vested } } } }`;
      const data = await gql<{ coopMembers: { edges: { node: { handle: string; status: string } }[] } }>(
        query,
        { s: ['expelled'] },
        moderator.token,
      );
      expect(data.coopMembers.edges.map((e) => e.node)).toEqual([
        { handle: member.username, status: 'expelled', vested: 0 },
      ]);
      const refused = await t.gql(query, { s: ['active'] }, outsider.token);
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });
  });

  describe('money', () => {
    let payer: SignedUp;

    beforeAll(async () => {
      payer = await signUp(t);
      await apply(payer);
      await gql('mutation($h: String!) { admitMember(handle: $h) { status } }', { h: payer.username }, admin.token);
    });

    it('records revenue from a decimal amount as exact cents, audit-logged with the admin', async () => {
      const browser = await webClient(t, admin);
      const page = await browser.get('/console/money');
      const paymentId = hiddenValue(page.text.slice(page.text.indexOf('/console/money/revenue')), 'payment_id');
      const fields = {
        authenticity_token: csrfOf(page.text),
        payment_id: paymentId,
        amount: '1234,56',
        currency: 'eur',
        memo: 'Subscriptions, March',
        member: `@${payer.username}`,
      };
      const res = await browser.post('/console/money/revenue', fields);
      expect(res.status).toBe(303);
      const [payment] = await db.query(
        `SELECT kind, amount_cents::int AS cents, memo, member_id AS "memberId" FROM coop_payments WHERE id = $1`,
        [paymentId],
      );
      expect(payment).toEqual({
        kind: 'revenue',
        cents: 123456,
        memo: 'Subscriptions, March',
        memberId: payer.account.id,
      });
      expect(await audits('coop.record_revenue')).toEqual([
        {
          actorId: admin.account.id,
          action: 'coop.record_revenue',
          subject: paymentId,
          details: { amountCents: 123456, currency: 'EUR', memo: 'Subscriptions, March', memberHandle: payer.username },
        },
      ]);
      // The same form sent twice records one payment and one entry.
      expect((await browser.post('/console/money/revenue', fields)).status).toBe(303);
      expect(await audits('coop.record_revenue')).toHaveLength(1);
      const after = await browser.get('/console/money');
      expect(after.text).toContain(`Recorded revenue of €1,234.56 (payment ${paymentId}).`);
      expect(after.text).toContain('<td class="num">€1,234.56</td>');
      expect(after.text).toContain(`<a href="/@${payer.username}">@${payer.username}</a>`);
    });

    it('records a cost', async () => {
      const res = await submit(await webClient(t, admin), '/console/money', '/console/money/cost', {
        amount: '99.9',
        currency: 'EUR',
        memo: 'Hosting',
      });
      expect(res.status).toBe(303);
      const [entry] = await audits('coop.record_cost');
      expect(entry.actorId).toBe(admin.account.id);
      const [payment] = await db.query(`SELECT kind, amount_cents::int AS cents FROM coop_payments WHERE id = $1`, [
        entry.subject,
      ]);
      expect(payment).toEqual({ kind: 'cost', cents: 9990 });
    });

    it.each([
      ['an amount with a thousands separator', { amount: '1,234.50' }, 'no thousands separators'],
      ['a zero amount', { amount: '0.00' }, 'The amount must be more than zero.'],
      ['another currency', { currency: 'USD' }, 'The co-op keeps its books in EUR: convert the amount to EUR first.'],
      [
        'an amount over the bounds',
        { amount: '1000000000.01' },
        'amountCents must be an integer from 1 to 100000000000',
      ],
      ['a payer who is not a member', { member: 'nobody-here' }, 'nobody-here is not a member'],
    ])('refuses %s with 422 and records nothing', async (_, change, message) => {
      const before = await paymentCount();
      const entries = (await audits()).length;
      const res = await submit(await webClient(t, admin), '/console/money', '/console/money/revenue', {
        amount: '10',
        currency: 'EUR',
        memo: 'x',
        ...change,
      });
      expect(res.status).toBe(422);
      expect(res.text).toContain(message);
      expect(res.text).toContain('aria-invalid="true"');
      expect(await paymentCount()).toBe(before);
      expect(await audits()).toHaveLength(entries);
    });

    it('refuses moderators and forged forms', async () => {
      const before = await paymentCount();
      const mod = await submit(await webClient(t, moderator), '/console/money', '/console/money/revenue', {
        amount: '10',
        currency: 'EUR',
      });
      expect(mod.status).toBe(403);
      const browser = await webClient(t, admin);
      expect((await browser.post('/console/money/cost', { amount: '10', currency: 'EUR' })).status).toBe(403);
      const token = csrfOf((await browser.get('/console/money')).text);
      expect(
        (await browser.post('/console/money/cost', { authenticity_token: token, amount: '10', currency: 'EUR' }, null))
          .status,
      ).toBe(403);
      expect(await paymentCount()).toBe(before);
    });

    it('logs GraphQL-recorded costs with the admin', async () => {
      await gql(
        'mutation($i: RecordPaymentInput!) { recordCost(input: $i) { id } }',
        { i: { amountCents: 500, memo: 'Domain', paymentId: 'gql-cost-1' } },
        admin2.token,
      );
      expect((await audits('coop.record_cost')).find((e) => e.subject === 'gql-cost-1')).toEqual({
        actorId: admin2.account.id,
        action: 'coop.record_cost',
        subject: 'gql-cost-1',
        details: { amountCents: 500, currency: 'EUR', memo: 'Domain', memberHandle: null },
      });
    });

    it('keeps every webhook delivery, accepted or refused, and shows the log to stewards', async () => {
      expect((await webhook({ id: 'stripe-1', kind: 'revenue', amountCents: 2500, memo: 'Tip' })).status).toBe(200);
      expect((await webhook({ id: 'stripe-2', amountCents: 10 }, 'x'.repeat(40))).status).toBe(401);
      expect((await webhook({ id: 'stripe-3', amountCents: -1 })).status).toBe(400);
      const rows = await db.query(
        `SELECT status, http_status AS "httpStatus", reason, payment_id AS "paymentId"
           FROM coop_webhook_deliveries ORDER BY id`,
      );
      expect(rows).toEqual([
        { status: 'accepted', httpStatus: 200, reason: null, paymentId: 'stripe-1' },
        { status: 'refused', httpStatus: 401, reason: 'bad or missing signature', paymentId: null },
        {
          status: 'refused',
          httpStatus: 400,
          reason: 'amountCents: an integer from 1 to 100000000000',
          paymentId: 'stripe-3',
        },
      ]);
      // Recorded by the webhook: kept in its log, not in the stewards' audit log.
      expect((await audits()).some((e) => e.subject === 'stripe-1')).toBe(false);
      const page = await (await webClient(t, moderator)).get('/console/money');
      expect(page.text).toContain('<code>stripe-1</code>');
      expect(page.text).toContain('<span class="badge danger">refused</span> 401');
      expect(page.text).toContain('bad or missing signature');
      const query =
        '{ coopWebhookDeliveries(first: 2) { edges { node { status paymentId } } pageInfo { hasNextPage } } }';
      const data = await gql<{ coopWebhookDeliveries: unknown }>(query, {}, moderator.token);
      expect(data.coopWebhookDeliveries).toEqual({
        edges: [
          { node: { status: 'refused', paymentId: 'stripe-3' } },
          { node: { status: 'refused', paymentId: null } },
        ],
        pageInfo: { hasNextPage: true },
      });
      expect((await t.gql(query, {}, outsider.token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const payments = await gql<{ coopPayments: { edges: { node: { id: string } }[] } }>(
        '{ coopPayments(first: 1) { edges { node { id kind amountCents } } } }',
        {},
        admin.token,
      );
      expect(payments.coopPayments.edges).toEqual([{ node: { id: 'stripe-1', kind: 'revenue', amountCents: 2500 } }]);
    });
  });

  describe('audit log page', () => {
    it('shows who did what to which subject, when, with details; newest first; filters by action', async () => {
      const browser = await webClient(t, moderator);
      const res = await browser.get('/console/audit');
      expect(res.status).toBe(200);
      const rows = [
        ...res.text.matchAll(/<tr><td><time[^>]*>[^<]*<\/time><\/td><td>(.*?)<\/td><td><code>([^<]*)<\/code>/g),
      ];
      const newestFirst = (await audits()).reverse();
      expect(rows.map((r) => r[2])).toEqual(newestFirst.map((e) => e.action));
      expect(rows[0][1]).toBe(`<a href="/@${admin2.username}">@${admin2.username}</a>`);
      expect(res.text).toContain('<dt>amountCents</dt><dd>500</dd>');

      const filtered = await browser.get('/console/audit?action=coop.expel');
      const filteredRows = [...filtered.text.matchAll(/<td><code>(coop\.[a-z_]+)<\/code><\/td>/g)].map((r) => r[1]);
      expect(filteredRows).toEqual(['coop.expel']);
      expect(filtered.text).toContain('<option value="coop.expel" selected>');

      expect((await browser.get('/console/audit?action=drop.tables')).status).toBe(422);
      expect((await browser.get('/console/audit?before=not-a-uuid')).status).toBe(422);
    });
  });
});
