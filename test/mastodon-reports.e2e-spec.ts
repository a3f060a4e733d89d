import { RateLimiterService } from '@guildhall/core';
import { DataSource } from 'typeorm';
import { signUp, type SignedUp } from './utils/factories';
import { appToken } from './utils/mastodon';
import { createListeningTestApp, type TestApp } from './utils/test-app';

const CREATE = 'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }';
const REPORTS =
  '{ reports(first: 40) { edges { node { id comment reporter { handle } targetAccount { handle } posts { id } } } } }';

/** `POST /api/v1/reports` files a report through ReportService, as GraphQL `report` does. */
describe('Mastodon reports', () => {
  let t: TestApp & { origin: string };
  let alice: SignedUp;
  let bob: SignedUp;
  let moderator: SignedUp;
  let token: string;

  const report = async (body: Record<string, unknown>, bearer = token) => {
    const res = await fetch(`${t.origin}/api/v1/reports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    t = await createListeningTestApp();
    [alice, bob, moderator] = await Promise.all([signUp(t), signUp(t), signUp(t)]);
    await t.app
      .get(DataSource)
      .query(`UPDATE users SET role = 'moderator' WHERE account_id = $1`, [moderator.account.id]);
    token = await appToken(t, bob, 'read write:reports');
  });
  afterAll(() => t.close());
  beforeEach(() => t.app.get(RateLimiterService).reset(`report:${bob.account.id}`));

  it('masto.js files a report the moderators then read through GraphQL', async () => {
    const post = await t.gql<{ createPost: { id: string } }>(CREATE, { input: { content: 'spam spam' } }, alice.token);
    const postId = post.data!.createPost.id;
    const { createRestAPIClient } = await import('masto');
    const masto = createRestAPIClient({ url: t.origin, accessToken: token });
    const filed = await masto.v1.reports.create({
      accountId: alice.account.id,
      statusIds: [postId],
      comment: 'Selling things',
      category: 'spam',
      forward: true,
    });
    expect(filed).toMatchObject({
      actionTaken: false,
      actionTakenAt: null,
      category: 'spam',
      comment: 'Selling things',
      forwarded: false,
      statusIds: [postId],
      ruleIds: [],
      targetAccount: { id: alice.account.id, acct: alice.username },
    });
    expect(new Date(filed.createdAt).toISOString()).toBe(filed.createdAt);

    const read = await t.gql<{
      reports: {
        edges: { node: { id: string; comment: string; reporter: { handle: string }; posts: { id: string }[] } }[];
      };
    }>(REPORTS, {}, moderator.token);
    expect(read.errors).toBeUndefined();
    expect(read.data?.reports.edges.find((e) => e.node.id === filed.id)?.node).toEqual({
      id: filed.id,
      comment: 'Selling things',
      reporter: { handle: bob.username },
      targetAccount: { handle: alice.username },
      posts: [{ id: postId }],
    });
  });

  it('refuses bad input with 422/404 and files nothing', async () => {
    const count = async () =>
      Number((await t.app.get(DataSource).query('SELECT count(*) AS n FROM reports'))[0].n as string);
    const before = await count();
    const bobsPost = await t.gql<{ createPost: { id: string } }>(CREATE, { input: { content: 'mine' } }, bob.token);
    expect(await report({})).toEqual({ status: 422, body: { error: 'account_id is required' } });
    expect(await report({ account_id: '0190f0a0-0000-7000-8000-000000000000' })).toEqual({
      status: 404,
      body: { error: 'Record not found' },
    });
    expect(await report({ account_id: alice.account.id, category: 'rude' })).toEqual({
      status: 422,
      body: { error: 'category must be spam, legal, violation or other' },
    });
    expect(await report({ account_id: alice.account.id, rule_ids: ['1'] })).toEqual({
      status: 422,
      body: { error: 'This server has no rules' },
    });
    expect(await report({ account_id: alice.account.id, comment: 'x'.repeat(1001) })).toEqual({
      status: 422,
      body: { error: 'comment must be at most 1000 characters' },
    });
    // A post that is not the reported account's: the service's own check.
    const notTheirs = await report({ account_id: alice.account.id, status_ids: [bobsPost.data!.createPost.id] });
    expect(notTheirs).toEqual({
      status: 422,
      body: { error: 'postIds must be posts of the reported account that you can see' },
    });
    expect((await report({ account_id: bob.account.id })).status).toBe(422);
    const readOnly = await appToken(t, bob, 'read');
    expect(await report({ account_id: alice.account.id }, readOnly)).toEqual({
      status: 403,
      body: { error: 'This action is outside the authorized scopes' },
    });
    expect(await count()).toBe(before);
  });
});
