import { RateLimiterService } from '@guildhall/core';
import { DataSource } from 'typeorm';
import { signUp, type SignedUp } from './utils/factories';
import { eventually } from './utils/eventually';
import { appToken } from './utils/mastodon';
import { startPeer, trustCertificateInThisProcess, type Peer } from './utils/peer';
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
      // A local account: nothing to forward to.
      forwarded: false,
      statusIds: [postId],
      ruleIds: [],
      targetAccount: { id: alice.account.id, acct: alice.username },
    });
    expect(new Date(filed.createdAt).toISOString()).toBe(filed.createdAt);

    const [stored] = await t.app
      .get(DataSource)
      .query<{ category: string; rule_ids: string[]; forwarded: boolean }[]>(
        'SELECT category, rule_ids, forwarded FROM reports WHERE id = $1',
        [filed.id],
      );
    expect(stored).toEqual({ category: 'spam', rule_ids: [], forwarded: false });
    // Without a category: other.
    const plain = await report({ account_id: alice.account.id, comment: 'hm' });
    expect(plain.body).toMatchObject({ category: 'other', rule_ids: [], forwarded: false });

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
      body: { error: 'rule_ids must be rules of this server' },
    });
    expect(await report({ account_id: alice.account.id, category: 'violation', rule_ids: ['1', '2'] })).toEqual({
      status: 422,
      body: { error: 'rule_ids must be rules of this server' },
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

/** `forward=true` about a remote account: a Flag from the instance actor to the account's inbox. */
describe('Mastodon reports forwarded to a remote server', () => {
  let peer: Peer;
  let t: TestApp & { origin: string };

  beforeAll(async () => {
    peer = await startPeer();
    trustCertificateInThisProcess(peer.caCertPath);
    t = await createListeningTestApp({ FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true' }, { withWorker: true });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await peer?.stop();
  });

  it('sends a signed Flag naming the account with the comment; without forward nothing is sent', async () => {
    const remote = await peer.createActor({ username: 'spammer' });
    const reporter = await signUp(t);
    const { createRestAPIClient } = await import('masto');
    const masto = createRestAPIClient({ url: t.origin, accessToken: await appToken(t, reporter) });
    const [found] = await masto.v1.accounts.search.list({ q: remote.handle, resolve: true });
    expect(found.acct).toBe(remote.handle);

    const kept = await masto.v1.reports.create({ accountId: found.id, comment: 'kept here', category: 'legal' });
    expect(kept).toMatchObject({ category: 'legal', forwarded: false });
    const filed = await masto.v1.reports.create({ accountId: found.id, comment: 'Buy now!!', forward: true });
    expect(filed).toMatchObject({ category: 'other', forwarded: true, comment: 'Buy now!!' });

    const [flag] = await eventually(
      () => peer.received({ type: 'Flag' }),
      (entries) => expect(entries).toHaveLength(1),
    );
    expect(flag.path).toBe('/users/spammer/inbox');
    expect(flag.verification).toMatchObject({ verified: true, keyOwner: `${t.origin}/actor`, ownerMatchesActor: true });
    expect(flag.activity).toMatchObject({
      id: `${t.origin}/actor#reports/${filed.id}`,
      type: 'Flag',
      actor: `${t.origin}/actor`,
      object: remote.id,
      content: 'Buy now!!',
    });
    // The reporter is not named to the other server.
    expect(flag.body).not.toContain(reporter.username);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await peer.received({ type: 'Flag' })).toHaveLength(1);
  });
});
