import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { WebModule } from '../apps/server/src/web/web.module';
import { signUp, type SignedUp } from './utils/factories';
import { FormClient } from './utils/oauth-pages';
import { createTestApp, type TestApp } from './utils/test-app';
import { csrfOf, makeStaff, webClient } from './utils/web';

/**
 * The web app's role matrix (issue 12: "non-members, members and stewards each see exactly what
 * their role allows; a forged form post changes nothing"). Every route the WebModule registers
 * must have a row here — a new page or action without one fails the first test — and each row
 * gives the exact answer for each role: a page (200), sign in first (303 to the sign-in page),
 * forbidden (403), or what the action answers once past its gate. A POST a role may not make is
 * sent with a valid CSRF token of that role's session and `confirm=yes`, and must change nothing.
 */

const ROLES = ['visitor', 'nonMember', 'member', 'moderator', 'admin'] as const;
type Role = (typeof ROLES)[number];
/** 'sign-in': 303 to /auth/sign_in with return_to the page; a number: that exact status. */
type Outcome = number | 'sign-in';
type Matrix = Record<Role, Outcome>;

const matrix = (visitor: Outcome, nonMember: Outcome, member: Outcome, moderator: Outcome, admin: Outcome): Matrix => ({
  visitor,
  nonMember,
  member,
  moderator,
  admin,
});
const PUBLIC = matrix(200, 200, 200, 200, 200);
const SIGNED_IN = matrix('sign-in', 200, 200, 200, 200);
const STAFF = matrix('sign-in', 403, 403, 200, 200);
const ADMIN = matrix('sign-in', 403, 403, 403, 200);
const refused = (outcome: Outcome) => outcome === 'sign-in' || outcome === 403;

interface Fixture {
  db: DataSource;
  member: SignedUp;
  applicant: SignedUp;
  proposalId: string;
  reportId: string;
}

interface Row {
  /** The route as the controller declares it, e.g. `POST /governance/proposals/:id/vote`. */
  route: string;
  /** The concrete path requested (defaults to the route's path). */
  path?: (f: Fixture) => string;
  expect: Matrix;
  fields?: (f: Fixture) => Record<string, string>;
  /** What a refused POST must leave as it was. */
  state?: (f: Fixture) => Promise<unknown>;
}

const count =
  (table: string, where = 'true', params: unknown[] = []) =>
  async (f: Fixture) =>
    (await f.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params))[0].n;

/** One text of a column over every row (a change anywhere shows). */
const column = (table: string, expression: string) => async (f: Fixture) =>
  (
    await f.db.query<{ all: string | null }[]>(
      `SELECT string_agg(coalesce((${expression})::text, '-'), ',' ORDER BY id) AS all FROM ${table}`,
    )
  )[0].all;
const profiles = column('accounts', "coalesce(display_name, '') || ':' || coalesce(bio_source, '')");
const pictures = column(
  'accounts',
  "coalesce(avatar_media_id::text, '') || ':' || coalesce(header_media_id::text, '')",
);

const ROWS: Row[] = [
  // Public pages.
  { route: 'GET /', expect: PUBLIC },
  { route: 'GET /web/app.css', expect: PUBLIC },
  { route: 'GET /transparency', expect: PUBLIC },
  { route: 'GET /transparency/ledger.csv', expect: PUBLIC },
  // A member's pages: anyone signed in (they say what a non-member can do).
  { route: 'GET /membership', expect: SIGNED_IN },
  { route: 'GET /ownership', expect: SIGNED_IN },
  { route: 'GET /ownership/contributions', expect: SIGNED_IN },
  { route: 'GET /governance', expect: SIGNED_IN },
  { route: 'GET /governance/new', expect: SIGNED_IN },
  { route: 'GET /governance/proposals/:id', path: (f) => `/governance/proposals/${f.proposalId}`, expect: SIGNED_IN },
  { route: 'GET /settings', expect: SIGNED_IN },
  { route: 'GET /settings/apps', expect: SIGNED_IN },
  { route: 'GET /settings/sessions', expect: SIGNED_IN },
  { route: 'GET /settings/password', expect: SIGNED_IN },
  { route: 'GET /settings/export', expect: SIGNED_IN },
  { route: 'GET /settings/export/posts.json', expect: SIGNED_IN },
  { route: 'GET /settings/export/posts.csv', expect: SIGNED_IN },
  { route: 'GET /settings/export/ledger.csv', expect: SIGNED_IN },
  { route: 'GET /settings/export/ledger.json', expect: SIGNED_IN },
  // The stewards' console: moderators and admins; the coop's money, closes and payouts: admins.
  { route: 'GET /console', expect: STAFF },
  { route: 'GET /console/applications', expect: STAFF },
  { route: 'GET /console/members', expect: STAFF },
  { route: 'GET /console/money', expect: STAFF },
  { route: 'GET /console/audit', expect: STAFF },
  { route: 'GET /console/domains', expect: STAFF },
  { route: 'GET /console/reports', expect: STAFF },
  { route: 'GET /console/accounts', expect: STAFF },
  { route: 'GET /console/periods', expect: ADMIN },
  { route: 'GET /console/periods/preview', expect: ADMIN },
  { route: 'GET /console/payouts', expect: ADMIN },
  { route: 'GET /console/capital', expect: ADMIN },

  // Members' actions. Past the gate: what the action answers (refusals change nothing either).
  {
    route: 'POST /posts',
    fields: () => ({ content: 'Posted through the role matrix.', visibility: 'public' }),
    expect: matrix('sign-in', 303, 303, 303, 303),
    state: count('posts'),
  },
  {
    route: 'POST /governance/new',
    fields: () => ({ cashBps: '2500', windowDays: '7' }),
    // Only active members propose: the others are answered the governance lib's refusal.
    expect: matrix('sign-in', 403, 303, 403, 403),
    state: count('coop_proposals'),
  },
  {
    route: 'POST /governance/proposals/:id/vote',
    path: (f) => `/governance/proposals/${f.proposalId}/vote`,
    fields: () => ({ choice: 'YES' }),
    expect: matrix('sign-in', 403, 303, 403, 403),
    state: count('coop_votes'),
  },
  {
    route: 'POST /membership/withdraw',
    // A member is asked to confirm first (nothing changes); the others are not members: 403.
    expect: matrix('sign-in', 403, 200, 403, 403),
    state: async (f) =>
      (
        await f.db.query<{ status: string }[]>(`SELECT status FROM coop_members WHERE account_id = $1`, [
          f.member.account.id,
        ])
      )[0].status,
  },
  {
    route: 'POST /membership/apply',
    // The member is one already; the others apply (and are pending from here on).
    expect: matrix('sign-in', 303, 409, 303, 303),
    state: count('coop_members'),
  },
  {
    route: 'POST /settings/profile',
    fields: () => ({ display_name: 'Renamed', note: '' }),
    expect: matrix('sign-in', 303, 303, 303, 303),
    state: profiles,
  },
  { route: 'POST /settings/pictures', expect: matrix('sign-in', 415, 415, 415, 415), state: pictures },
  {
    route: 'POST /settings/pictures/remove',
    fields: () => ({ kind: 'avatar' }),
    expect: matrix('sign-in', 200, 200, 200, 200),
    state: pictures,
  },
  {
    route: 'POST /settings/apps/:id/revoke',
    path: () => '/settings/apps/00000000-0000-7000-8000-000000000000/revoke',
    expect: matrix('sign-in', 404, 404, 404, 404),
    state: count('sessions', 'revoked_at IS NULL'),
  },
  {
    route: 'POST /settings/sessions/others',
    expect: matrix('sign-in', 200, 200, 200, 200),
    state: count('sessions', 'revoked_at IS NULL'),
  },
  {
    route: 'POST /settings/sessions/:id/revoke',
    path: () => '/settings/sessions/00000000-0000-7000-8000-000000000000/revoke',
    expect: matrix('sign-in', 404, 404, 404, 404),
    state: count('sessions', 'revoked_at IS NULL'),
  },
  {
    route: 'POST /settings/password',
    fields: () => ({
      current_password: 'not the password',
      new_password: 'a new long password',
      confirm_password: 'a new long password',
    }),
    expect: matrix('sign-in', 422, 422, 422, 422),
    state: column('users', 'password_hash'),
  },

  // Stewards' actions: moderation for staff, the coop's for admins only.
  {
    route: 'POST /console/domains/block',
    fields: () => ({ domain: 'spam.example', reason: 'spam' }),
    expect: matrix('sign-in', 403, 403, 200, 200),
    state: count('domain_blocks'),
  },
  {
    route: 'POST /console/domains/unblock',
    fields: () => ({ domain: 'spam.example' }),
    expect: matrix('sign-in', 403, 403, 404, 404),
    state: count('domain_blocks'),
  },
  {
    route: 'POST /console/accounts/suspend',
    fields: (f) => ({ handle: f.member.username }),
    expect: matrix('sign-in', 403, 403, 200, 200),
    state: count('accounts', 'suspended_at IS NOT NULL'),
  },
  {
    route: 'POST /console/accounts/unsuspend',
    fields: (f) => ({ handle: f.member.username }),
    expect: matrix('sign-in', 403, 403, 200, 200),
    state: count('accounts', 'suspended_at IS NOT NULL'),
  },
  {
    route: 'POST /console/accounts/password-reset',
    fields: (f) => ({ handle: f.member.username }),
    // Issuing a reset is an admin's (GraphQL's issuePasswordReset is admin-only too).
    expect: matrix('sign-in', 403, 403, 403, 200),
    state: count('password_resets'),
  },
  {
    route: 'POST /console/reports/resolve',
    // Suspending through a report asks a steward to confirm first; the others change nothing.
    fields: (f) => ({ id: f.reportId, action: 'SUSPEND_ACCOUNT' }),
    expect: matrix('sign-in', 403, 403, 200, 200),
    state: count('reports', 'resolved_at IS NOT NULL'),
  },
  {
    route: 'POST /console/applications/admit',
    fields: (f) => ({ handle: f.applicant.username }),
    expect: matrix('sign-in', 403, 403, 403, 303),
    state: count('coop_members', "status = 'active'"),
  },
  {
    route: 'POST /console/members/expel',
    fields: (f) => ({ handle: f.member.username }),
    expect: matrix('sign-in', 403, 403, 403, 200),
    state: count('coop_members', "status = 'active'"),
  },
  {
    route: 'POST /console/money/:kind',
    path: () => '/console/money/revenue',
    fields: () => ({ amount: '12.34', currency: 'EUR', memo: 'role matrix' }),
    expect: matrix('sign-in', 403, 403, 403, 303),
    state: count('coop_payments'),
  },
  {
    route: 'POST /console/periods/close',
    fields: () => ({ period: '2020-01', asOf: '2020-01-02T00:00:00.000Z', previewHash: 'ab'.repeat(32) }),
    expect: matrix('sign-in', 403, 403, 403, 200),
    state: count('coop_periods', 'closed_at IS NOT NULL'),
  },
  {
    route: 'POST /console/payouts/run',
    expect: matrix('sign-in', 403, 403, 403, 200),
    state: count('coop_journal_entries'),
  },
  {
    route: 'POST /console/payouts/redeem',
    fields: () => ({ through: '2020-01' }),
    expect: matrix('sign-in', 403, 403, 403, 200),
    state: count('coop_journal_entries'),
  },
  {
    route: 'POST /console/capital',
    fields: () => ({ revolvingPeriods: '12', minPayout: '10.00', reason: 'role matrix' }),
    expect: matrix('sign-in', 403, 403, 403, 303),
    state: count('coop_capital_policies'),
  },
];

/** Every route the WebModule's controllers declare, as `METHOD /path`. */
function webRoutes(): string[] {
  const controllers = Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, WebModule) as (new (
    ...args: never[]
  ) => object)[];
  const routes: string[] = [];
  for (const controller of controllers) {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    const proto = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const handler = proto[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (paths === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      for (const path of Array.isArray(paths) ? paths : [paths]) {
        const joined = ['', base, path].filter((part) => part !== '' && part !== '/').join('/');
        routes.push(`${method} /${joined.replace(/^\/+/, '').replace(/\/+$/, '')}`);
      }
    }
  }
  return routes.sort();
}

describe('web app: what each role may see and do (every route)', () => {
  let t: TestApp;
  let fixture: Fixture;
  const clients = {} as Record<Role, FormClient>;
  const people = {} as Record<Exclude<Role, 'visitor'>, SignedUp>;

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.app.get(DataSource);
    const [nonMember, member, moderator, admin, applicant] = await Promise.all(
      ['Nora Nonmember', 'Mia Member', 'Moe Moderator', 'Ada Admin', 'Abe Applicant'].map((displayName) =>
        signUp(t, { displayName }),
      ),
    );
    await makeStaff(t, moderator.account.id, 'moderator');
    await makeStaff(t, admin.account.id, 'admin');
    for (const applying of [member, applicant]) {
      expect((await t.gql('mutation { applyForMembership { status } }', {}, applying.token)).errors).toBeUndefined();
    }
    const admitted = await t.gql(
      'mutation($h: String!) { admitMember(handle: $h) { status } }',
      { h: member.username },
      admin.token,
    );
    expect(admitted.errors).toBeUndefined();
    const proposed = await t.gql<{ proposeParameters: { id: string } }>(
      'mutation($input: ProposeParametersInput!) { proposeParameters(input: $input) { id } }',
      { input: { cashBps: 3000 } },
      member.token,
    );
    expect(proposed.errors).toBeUndefined();
    const reported = await t.gql<{ report: { id: string } }>(
      'mutation($input: ReportInput!) { report(input: $input) { id } }',
      { input: { handle: applicant.username, comment: 'spam' } },
      member.token,
    );
    expect(reported.errors).toBeUndefined();
    fixture = {
      db,
      member,
      applicant,
      proposalId: proposed.data!.proposeParameters.id,
      reportId: reported.data!.report.id,
    };
    Object.assign(people, { nonMember, member, moderator, admin });
    clients.visitor = new FormClient(t, 'http://guildhall.test');
    for (const role of ROLES.slice(1) as Exclude<Role, 'visitor'>[]) {
      clients[role] = await webClient(t, people[role]);
    }
  }, 60_000);

  afterAll(() => t.close());

  it('has a row for every route the web app serves (a new page without a gate fails here)', () => {
    expect(webRoutes()).toEqual(ROWS.map((row) => row.route).sort());
  });

  it('answers each role exactly, and a refused POST changes nothing', async () => {
    const seen: string[] = [];
    const wrong: string[] = [];
    for (const row of ROWS) {
      const [method, route] = row.route.split(' ');
      const path = row.path?.(fixture) ?? route;
      for (const role of ROLES) {
        const outcome = row.expect[role];
        const client = clients[role];
        let status: number;
        let location: string | undefined;
        if (method === 'GET') {
          const res = await client.get(path);
          status = res.status;
          location = res.headers.location;
        } else {
          // A valid token of this role's own session (the visitor has none): only the role decides.
          const token = role === 'visitor' ? '' : csrfOf((await client.get('/settings')).text);
          const fields = { authenticity_token: token, ...(row.fields?.(fixture) ?? {}) };
          const before = refused(outcome) ? await row.state?.(fixture) : undefined;
          const res = await client.post(path, refused(outcome) ? { ...fields, confirm: 'yes' } : fields);
          status = res.status;
          location = res.headers.location;
          if (refused(outcome) && row.state) {
            const after = await row.state(fixture);
            if (after !== before) wrong.push(`${row.route} as ${role} changed ${String(before)} → ${String(after)}`);
          }
        }
        const got: Outcome =
          status === 303 && location === `/auth/sign_in?return_to=${encodeURIComponent(path)}` ? 'sign-in' : status;
        seen.push(`${row.route} as ${role}: ${String(got)}`);
        if (got !== outcome) wrong.push(`${row.route} as ${role}: expected ${String(outcome)}, got ${String(got)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(seen).toHaveLength(ROWS.length * ROLES.length);
  }, 120_000);

  describe('forged forms change nothing', () => {
    const payments = () => count('coop_payments')(fixture);
    const revenue = { amount: '99.00', currency: 'EUR', memo: 'forged' };

    it('refuses a steward form without a CSRF token, with another session’s token, or from another origin', async () => {
      const before = await payments();
      const admin = clients.admin;
      expect((await admin.post('/console/money/revenue', revenue)).status).toBe(403);
      const membersToken = csrfOf((await clients.member.get('/')).text);
      expect(
        (await admin.post('/console/money/revenue', { authenticity_token: membersToken, ...revenue })).status,
      ).toBe(403);
      const ownToken = csrfOf((await admin.get('/console/money')).text);
      expect(
        (
          await admin.post(
            '/console/money/revenue',
            { authenticity_token: ownToken, ...revenue },
            'https://evil.example',
          )
        ).status,
      ).toBe(403);
      expect(await payments()).toBe(before);
      // The same token from the right origin is accepted: the refusals above were the forgeries'.
      expect((await admin.post('/console/money/revenue', { authenticity_token: ownToken, ...revenue })).status).toBe(
        303,
      );
      expect(await payments()).toBe(before + 1);
    });

    it("acts as the session's account whatever member id a form carries", async () => {
      const forger = await signUp(t, { displayName: 'Fay Forger' });
      await t.gql('mutation { applyForMembership { status } }', {}, forger.token);
      await t.gql(
        'mutation($h: String!) { admitMember(handle: $h) { status } }',
        { h: forger.username },
        people.admin.token,
      );
      const browser = await webClient(t, forger);
      const victim = fixture.member;
      const votesOf = async (accountId: string) =>
        (
          await fixture.db.query<{ choice: string }[]>(
            `SELECT choice FROM coop_votes WHERE proposal_id = $1 AND member_id = $2`,
            [fixture.proposalId, accountId],
          )
        ).map((v) => v.choice);
      const victimVotes = await votesOf(victim.account.id);
      const token = csrfOf((await browser.get(`/governance/proposals/${fixture.proposalId}`)).text);
      const voted = await browser.post(`/governance/proposals/${fixture.proposalId}/vote`, {
        authenticity_token: token,
        choice: 'NO',
        account_id: victim.account.id,
        accountId: victim.account.id,
        voter_id: victim.account.id,
        handle: victim.username,
      });
      expect(voted.status).toBe(303);
      expect(await votesOf(victim.account.id)).toEqual(victimVotes);
      expect(await votesOf(forger.account.id)).toEqual(['NO']);

      // Another member's session id in the path: not this account's session, nothing ends.
      const [session] = await fixture.db.query<{ id: string }[]>(
        `SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.account_id = $1 AND s.revoked_at IS NULL LIMIT 1`,
        [victim.account.id],
      );
      const sessions = await count('sessions', 'revoked_at IS NULL')(fixture);
      const revoke = await browser.post(`/settings/sessions/${session.id}/revoke`, {
        authenticity_token: token,
        confirm: 'yes',
      });
      expect(revoke.status).toBe(404);
      expect(await count('sessions', 'revoked_at IS NULL')(fixture)).toBe(sessions);
      expect((await clients.member.get('/settings')).status).toBe(200);

      // Another account's id beside a profile change: only the session's own profile changes.
      const names = async () =>
        (
          await fixture.db.query<{ id: string; display_name: string }[]>(
            `SELECT id, display_name FROM accounts WHERE id = ANY($1) ORDER BY id`,
            [[victim.account.id, forger.account.id]],
          )
        ).map((row) => [row.id, row.display_name]);
      const victimBefore = (await names()).find(([id]) => id === victim.account.id);
      const profile = await browser.post('/settings/profile', {
        authenticity_token: token,
        display_name: 'Hijacked',
        account_id: victim.account.id,
        accountId: victim.account.id,
      });
      expect(profile.status).toBe(303);
      const after = await names();
      expect(after.find(([id]) => id === victim.account.id)).toEqual(victimBefore);
      expect(after.find(([id]) => id === forger.account.id)).toEqual([forger.account.id, 'Hijacked']);
    });
  });
});
