import { uuidv7 } from '@guildhall/core';
import type { mastodon } from 'masto';
import type { MegalodonInterface } from 'megalodon';
import { DataSource } from 'typeorm';
import { png } from './fixtures/images';
import { signUp, type SignedUp } from './utils/factories';
import { appToken, registerApp } from './utils/mastodon';
import { expectMastodonResponse } from './utils/mastodon-schema';
import { startPeer, trustCertificateInThisProcess, type Peer } from './utils/peer';
import { createListeningTestApp, type TestApp, uniqueName } from './utils/test-app';

/** One key of each item of a JSON array answer (ids by default). */
function ids(body: unknown, key = 'id'): unknown[] {
  return (body as Record<string, unknown>[]).map((item) => item[key]);
}

const FOLLOW = 'mutation($handle: String!) { follow(handle: $handle) { state } }';
const ACCOUNT = /* GraphQL */ `
  query ($handle: String!) {
    account(handle: $handle) {
      id
      displayName
      bio
      followersCount
      followingCount
      manuallyApprovesFollowers
      viewerRelationship {
        following
        followedBy
        requested
        requestedBy
        blocking
        muting
        domainBlocking
      }
    }
  }
`;
const CREATE_POST = 'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }';
const FEDERATED = '{ timeline(kind: FEDERATED, first: 40) { edges { node { id } } } }';

interface GqlAccount {
  id: string;
  displayName: string | null;
  bio: string | null;
  followersCount: number;
  followingCount: number;
  manuallyApprovesFollowers: boolean;
  viewerRelationship: Record<string, boolean> | null;
}

describe('Mastodon API: accounts', () => {
  let t: TestApp & { origin: string };
  let db: DataSource;
  let masto: typeof import('masto');
  let megalodon: (sns: 'mastodon', url: string, token: string) => MegalodonInterface;

  /** A member and a masto.js client on a token with every scope. */
  async function member(overrides: Parameters<typeof signUp>[1] = {}) {
    const signed = await signUp(t, overrides);
    const token = await appToken(t, signed);
    const client = masto.createRestAPIClient({ url: t.origin, accessToken: token });
    return { ...signed, appToken: token, client };
  }

  async function gqlAccount(handle: string, token?: string): Promise<GqlAccount> {
    const res = await t.gql<{ account: GqlAccount }>(ACCOUNT, { handle }, token);
    return res.data!.account;
  }

  const api = (token?: string) => ({
    get: (path: string) => {
      const req = t.http().get(path);
      return token ? req.set('authorization', `Bearer ${token}`) : req;
    },
    post: (path: string) => {
      const req = t.http().post(path);
      return token ? req.set('authorization', `Bearer ${token}`) : req;
    },
    patch: (path: string) => {
      const req = t.http().patch(path);
      return token ? req.set('authorization', `Bearer ${token}`) : req;
    },
    delete: (path: string) => {
      const req = t.http().delete(path);
      return token ? req.set('authorization', `Bearer ${token}`) : req;
    },
  });

  beforeAll(async () => {
    masto = await import('masto');
    const generator = (await import('megalodon')).default;
    megalodon = (sns, url, token) => generator(sns, url, token);
    t = await createListeningTestApp();
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  describe('registration (POST /api/v1/accounts) and verify_credentials', () => {
    async function clientToken(scopes = 'read write follow') {
      const app = await registerApp(t, scopes);
      const res = await t.http().post('/oauth/token').send({
        grant_type: 'client_credentials',
        client_id: app.client_id,
        client_secret: app.client_secret,
        scope: scopes,
      });
      expect(res.status).toBe(200);
      return (res.body as { access_token: string }).access_token;
    }

    it('registers through megalodon with an app token and the new token reads the new account', async () => {
      const token = await clientToken();
      const username = uniqueName('reg');
      const registered = await megalodon('mastodon', t.origin, token).registerAccount(
        username,
        `${username}@example.org`,
        'a long enough password',
        true,
        'en',
      );
      expect(registered.status).toBe(200);
      expect(registered.data.token_type).toBe('Bearer');
      expect(registered.data.scope).toBe('read write follow');
      expect(Math.abs(registered.data.created_at - Date.now() / 1000)).toBeLessThan(60);

      const own = megalodon('mastodon', t.origin, registered.data.access_token);
      const me = await own.verifyAccountCredentials();
      expect(me.data).toMatchObject({
        username,
        acct: username,
        display_name: '',
        note: '',
        locked: false,
        followers_count: 0,
        following_count: 0,
        statuses_count: 0,
        url: `${t.origin}/@${username}`,
      });
      expect(me.data.source).toMatchObject({
        privacy: 'public',
        sensitive: false,
        note: '',
        fields: [],
        follow_requests_count: 0,
      });
      // The same token works on GraphQL (an app token with `read`), for the same account.
      const viewer = await t.gql<{ viewer: { id: string; handle: string } }>(
        '{ viewer { id handle } }',
        {},
        registered.data.access_token,
      );
      expect(viewer.data!.viewer.id).toBe(me.data.id);
      const [session] = await db.query<{ scopes: string[]; application_id: string | null }[]>(
        `SELECT s.scopes, s.application_id FROM sessions s JOIN users u ON u.id = s.user_id
         JOIN accounts a ON a.id = u.account_id WHERE a.username = $1`,
        [username],
      );
      expect(session.scopes).toEqual(['read', 'write', 'follow']);
      expect(session.application_id).not.toBeNull();
    });

    it.each([
      [{ agreement: 'false' }, 'Agreement must be accepted'],
      [{ email: 'not-an-email' }, 'email must be a valid email address'],
      [{ password: 'short' }, 'password must be'],
      [{ username: 'no spaces!' }, 'username must be 1 to 30 characters'],
    ])('refuses %j with 422 and creates nothing', async (override, message) => {
      const token = await clientToken();
      const username = uniqueName('bad');
      const body = {
        username,
        email: `${username}@example.org`,
        password: 'a long enough password',
        agreement: 'true',
        locale: 'en',
        ...override,
      };
      const res = await api(token).post('/api/v1/accounts').type('form').send(body);
      expect(res.status).toBe(422);
      expect(res.body.error).toContain(message);
      const rows = await db.query('SELECT 1 FROM accounts WHERE username = $1', [body.username.toLowerCase()]);
      expect(rows).toHaveLength(0);
    });

    it('refuses a taken username with 422, a member token with 403, no token with 401, no write scope with 403', async () => {
      const taken = await signUp(t);
      const body = {
        username: taken.username,
        email: 'x@example.org',
        password: 'a long enough password',
        agreement: true,
      };
      const duplicate = await api(await clientToken())
        .post('/api/v1/accounts')
        .send(body);
      expect(duplicate.status).toBe(422);
      expect(duplicate.body.error).toBe('That username is taken');
      const fresh = { ...body, username: uniqueName('nr') };
      expect(
        (
          await api(await appToken(t, taken))
            .post('/api/v1/accounts')
            .send(fresh)
        ).status,
      ).toBe(403);
      expect((await api().post('/api/v1/accounts').send(fresh)).status).toBe(401);
      expect(
        (
          await api(await clientToken('read'))
            .post('/api/v1/accounts')
            .send(fresh)
        ).status,
      ).toBe(403);
      expect(await db.query('SELECT 1 FROM accounts WHERE username = $1', [fresh.username])).toHaveLength(0);
    });
  });

  describe('update_credentials', () => {
    it('updates from JSON (fields_attributes as an array) and GraphQL sees it', async () => {
      const alice = await member();
      const res = await api(alice.appToken)
        .patch('/api/v1/accounts/update_credentials')
        .send({
          display_name: 'Alice A.',
          note: 'I like **bold** text',
          locked: 'true',
          fields_attributes: [
            { name: 'Site', value: 'https://alice.example' },
            { name: 'Pronouns', value: 'she/her' },
          ],
        });
      expect(res.status).toBe(200);
      expect(res.body.display_name).toBe('Alice A.');
      expectMastodonResponse('PATCH', '/api/v1/accounts/update_credentials', 200, res.body);
      expect(res.body.role).toEqual({ id: '-99', name: '', color: '', permissions: '0', highlighted: false });
      expect(res.body.note).toContain('<strong>bold</strong>');
      expect(res.body.locked).toBe(true);
      expect(ids(res.body.fields, 'name')).toEqual(['Site', 'Pronouns']);
      expect(res.body.fields[0].value).toContain('href="https://alice.example"');
      expect(res.body.source.note).toBe('I like **bold** text');
      expect(res.body.source.fields).toEqual([
        { name: 'Site', value: 'https://alice.example', verified_at: null },
        { name: 'Pronouns', value: 'she/her', verified_at: null },
      ]);
      const seen = await gqlAccount(alice.username);
      expect(seen.displayName).toBe('Alice A.');
      expect(seen.manuallyApprovesFollowers).toBe(true);
    });

    it('updates from a form with fields_attributes[0][name]', async () => {
      const bob = await member();
      const res = await api(bob.appToken)
        .patch('/api/v1/accounts/update_credentials')
        .type('form')
        .send('display_name=Bob&fields_attributes%5B0%5D%5Bname%5D=Home&fields_attributes%5B0%5D%5Bvalue%5D=Berlin');
      expect(res.status).toBe(200);
      expect(res.body.display_name).toBe('Bob');
      expect(res.body.fields).toEqual([{ name: 'Home', value: 'Berlin', verified_at: null }]);
    });

    it('uploads avatar and header as multipart through masto.js', async () => {
      const carol = await member();
      const updated = await carol.client.v1.accounts.updateCredentials({
        displayName: 'Carol',
        avatar: new Blob([png(4, 4)], { type: 'image/png' }),
        header: new Blob([png(6, 2)], { type: 'image/png' }),
        fieldsAttributes: [{ name: 'Lang', value: 'de' }],
      });
      expect(updated.displayName).toBe('Carol');
      expect(updated.fields).toEqual([{ name: 'Lang', value: 'de', verifiedAt: null }]);
      const [row] = await db.query<{ avatar_media_id: string; header_media_id: string }[]>(
        'SELECT avatar_media_id, header_media_id FROM accounts WHERE id = $1',
        [carol.account.id],
      );
      expect(updated.avatar).toBe(`${t.origin}/media/${row.avatar_media_id}`);
      expect(updated.header).toBe(`${t.origin}/media/${row.header_media_id}`);
      const served = await t.http().get(`/media/${row.avatar_media_id}`);
      expect(served.status).toBe(200);
      expect(Buffer.compare(served.body as Buffer, png(4, 4))).toBe(0);

      const withoutAvatar = await carol.client.v1.profile.avatar.remove();
      expect(withoutAvatar.avatar).toBe(`${t.origin}/avatars/original/missing.png`);
      expect(withoutAvatar.header).toBe(updated.header);
      const withoutHeader = await api(carol.appToken).delete('/api/v1/profile/header');
      expect(withoutHeader.body.header).toBe(`${t.origin}/headers/original/missing.png`);
      const [cleared] = await db.query<{ avatar_media_id: string | null; header_media_id: string | null }[]>(
        'SELECT avatar_media_id, header_media_id FROM accounts WHERE id = $1',
        [carol.account.id],
      );
      expect(cleared).toEqual({ avatar_media_id: null, header_media_id: null });
    });

    it('refuses invalid values with 422 and changes nothing; a read-only token gets 403', async () => {
      const dave = await member();
      const tooLong = await api(dave.appToken)
        .patch('/api/v1/accounts/update_credentials')
        .send({ display_name: 'x'.repeat(500), note: 'changed' });
      expect(tooLong.status).toBe(422);
      expect(tooLong.body.error).toContain('displayName must be at most');
      const nameless = await api(dave.appToken)
        .patch('/api/v1/accounts/update_credentials')
        .send({ fields_attributes: [{ name: '', value: 'orphan' }] });
      expect(nameless.status).toBe(422);
      const readOnly = await appToken(t, dave, 'read');
      const forbidden = await api(readOnly).patch('/api/v1/accounts/update_credentials').send({ note: 'x' });
      expect(forbidden.status).toBe(403);
      expect(forbidden.body).toEqual({ error: 'This action is outside the authorized scopes' });
      const seen = await gqlAccount(dave.username);
      expect(seen.bio).toBeNull();
      expect(seen.displayName).toBeNull();
    });
  });

  describe('reading accounts', () => {
    it('shows an account by id and by acct; 404 for unknown, malformed and suspended ones', async () => {
      const erin = await member();
      const byId = await api().get(`/api/v1/accounts/${erin.account.id}`);
      expect(byId.status).toBe(200);
      expect(byId.body).toMatchObject({ id: erin.account.id, username: erin.username, acct: erin.username });
      expectMastodonResponse('GET', `/api/v1/accounts/${erin.account.id}`, 200, byId.body);
      const looked = await erin.client.v1.accounts.lookup({ acct: erin.username });
      expect(looked.id).toBe(erin.account.id);
      expect((await api().get('/api/v1/accounts/lookup')).status).toBe(422);

      for (const path of [`/api/v1/accounts/${uuidv7()}`, '/api/v1/accounts/not-an-id']) {
        const res = await api().get(path);
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ error: 'Record not found' });
      }
      await db.query('UPDATE accounts SET suspended_at = now() WHERE id = $1', [erin.account.id]);
      expect((await api().get(`/api/v1/accounts/${erin.account.id}`)).status).toBe(404);
      expect((await api().get(`/api/v1/accounts/lookup?acct=${erin.username}`)).status).toBe(404);
      expect((await api().get(`/api/v1/accounts/${erin.account.id}/statuses`)).status).toBe(404);
    });

    it('searches accounts by name; following=true keeps followed ones; q is required', async () => {
      const prefix = `srch${Date.now().toString(36)}`;
      const finder = await member();
      const one = await signUp(t, { username: `${prefix}_one` });
      const two = await signUp(t, { username: `${prefix}_two` });
      await finder.client.v1.accounts.$select(two.account.id).follow();
      const all = await finder.client.v1.accounts.search.list({ q: prefix });
      expect(all.map((a) => a.username).sort()).toEqual([one.username, two.username].sort());
      const followed = await finder.client.v1.accounts.search.list({ q: prefix, following: true });
      expect(followed.map((a) => a.username)).toEqual([two.username]);
      const limited = await api(finder.appToken).get(`/api/v1/accounts/search?q=${prefix}&limit=1`);
      expect(limited.body).toHaveLength(1);
      expectMastodonResponse('GET', '/api/v1/accounts/search', 200, limited.body);
      const second = await api(finder.appToken).get(`/api/v1/accounts/search?q=${prefix}&limit=1&offset=1`);
      expect(second.body).toHaveLength(1);
      expect(ids([...limited.body, ...second.body], 'username').sort()).toEqual([one.username, two.username].sort());
      expect((await api(finder.appToken).get(`/api/v1/accounts/search?q=${prefix}&offset=-1`)).status).toBe(422);
      expect((await api(finder.appToken).get('/api/v1/accounts/search?q=')).status).toBe(422);
      expect((await api().get(`/api/v1/accounts/search?q=${prefix}`)).status).toBe(401);
    });

    it("lists an account's statuses with Mastodon's filters and Link paging", async () => {
      const poster = await member();
      const other = await signUp(t);
      const post = async (input: Record<string, unknown>, token = poster.token) =>
        (await t.gql<{ createPost: { id: string } }>(CREATE_POST, { input }, token)).data!.createPost.id;
      const first = await post({ content: 'first #Garden post' });
      const otherPost = await post({ content: 'someone else' }, other.token);
      const reply = await post({ content: 'a reply to another', inReplyToId: otherPost });
      const selfReply = await post({ content: 'a thread', inReplyToId: first });
      const latest = await post({ content: 'latest' });

      const statuses = poster.client.v1.accounts.$select(poster.account.id).statuses;
      expect((await statuses.list()).map((s) => s.id)).toEqual([latest, selfReply, reply, first]);
      expect((await statuses.list({ excludeReplies: true })).map((s) => s.id)).toEqual([latest, selfReply, first]);
      expect((await statuses.list({ tagged: 'garden' })).map((s) => s.id)).toEqual([first]);
      expect(await statuses.list({ pinned: true })).toEqual([]);
      expect(await statuses.list({ onlyMedia: true })).toEqual([]);

      const page = await api().get(`/api/v1/accounts/${poster.account.id}/statuses?limit=2`);
      expect(ids(page.body)).toEqual([latest, selfReply]);
      expectMastodonResponse('GET', `/api/v1/accounts/${poster.account.id}/statuses`, 200, page.body);
      expect(page.headers.link).toBe(
        `<${t.origin}/api/v1/accounts/${poster.account.id}/statuses?limit=2&max_id=${selfReply}>; rel="next", ` +
          `<${t.origin}/api/v1/accounts/${poster.account.id}/statuses?limit=2&min_id=${latest}>; rel="prev"`,
      );
      const next = await api().get(`/api/v1/accounts/${poster.account.id}/statuses?limit=2&max_id=${selfReply}`);
      expect(ids(next.body)).toEqual([reply, first]);
      expect(next.body[0].in_reply_to_id).toBe(otherPost);
    });
  });

  describe('follows', () => {
    let alice: Awaited<ReturnType<typeof member>>;
    let bob: Awaited<ReturnType<typeof member>>;

    beforeAll(async () => {
      alice = await member();
      bob = await member();
    });

    it('a follow through masto.js shows in GraphQL, and a GraphQL follow shows in relationships', async () => {
      const relationship = await alice.client.v1.accounts.$select(bob.account.id).follow();
      expect(relationship).toMatchObject({
        id: bob.account.id,
        following: true,
        showingReblogs: true,
        followedBy: false,
        requested: false,
        blocking: false,
        muting: false,
        domainBlocking: false,
      });
      const seen = await gqlAccount(bob.username, alice.token);
      expect(seen.followersCount).toBe(1);
      expect(seen.viewerRelationship).toMatchObject({ following: true, followedBy: false });

      const followBack = await t.gql<{ follow: { state: string } }>(FOLLOW, { handle: alice.username }, bob.token);
      expect(followBack.data!.follow.state).toBe('ACCEPTED');
      const [rel] = await alice.client.v1.accounts.relationships.fetch({ id: [bob.account.id] });
      expect(rel).toMatchObject({ id: bob.account.id, following: true, followedBy: true });
    });

    it('lists followers and following with Link headers, by follow id', async () => {
      const followers = await alice.client.v1.accounts.$select(bob.account.id).followers.list();
      expect(followers.map((a) => a.id)).toEqual([alice.account.id]);
      const following = await api().get(`/api/v1/accounts/${alice.account.id}/following`);
      expect(ids(following.body)).toEqual([bob.account.id]);
      expectMastodonResponse('GET', `/api/v1/accounts/${alice.account.id}/following`, 200, following.body);
      const [follow] = await db.query<{ id: string }[]>(
        'SELECT id FROM follows WHERE follower_id = $1 AND followee_id = $2',
        [alice.account.id, bob.account.id],
      );
      expect(following.headers.link).toContain(`max_id=${follow.id}>; rel="next"`);
      const after = await api().get(`/api/v1/accounts/${alice.account.id}/following?max_id=${follow.id}`);
      expect(after.body).toEqual([]);
    });

    it('relationships answers for known ids only, in the order asked', async () => {
      const res = await api(alice.appToken).get(
        `/api/v1/accounts/relationships?id[]=${bob.account.id}&id[]=${uuidv7()}&id[]=${alice.account.id}`,
      );
      expect(res.status).toBe(200);
      expect(ids(res.body)).toEqual([bob.account.id, alice.account.id]);
      expectMastodonResponse('GET', '/api/v1/accounts/relationships', 200, res.body);
      expect(res.body[0]).toEqual({
        id: bob.account.id,
        following: true,
        showing_reblogs: true,
        notifying: false,
        languages: null,
        followed_by: true,
        blocking: false,
        blocked_by: false,
        muting: false,
        muting_notifications: false,
        requested: false,
        requested_by: false,
        domain_blocking: false,
        endorsed: false,
        note: '',
      });
    });

    it('familiar_followers lists whom the member follows among an account’s followers', async () => {
      const viewer = await member();
      const friend = await signUp(t);
      const stranger = await signUp(t);
      const target = await signUp(t);
      await t.gql(FOLLOW, { handle: friend.username }, viewer.token);
      await t.gql(FOLLOW, { handle: target.username }, friend.token);
      await t.gql(FOLLOW, { handle: target.username }, stranger.token);
      const res = await api(viewer.appToken).get(
        `/api/v1/accounts/familiar_followers?id[]=${target.account.id}&id[]=${stranger.account.id}`,
      );
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(2);
      expect(res.body[0].id).toBe(target.account.id);
      expect(ids(res.body[0].accounts)).toEqual([friend.account.id]);
      expect(res.body[1]).toEqual({ id: stranger.account.id, accounts: [] });
      expectMastodonResponse('GET', '/api/v1/accounts/familiar_followers', 200, res.body);
      expect((await api().get(`/api/v1/accounts/${target.account.id}/featured_tags`)).body).toEqual([]);
      expect((await api().get(`/api/v1/accounts/${uuidv7()}/featured_tags`)).status).toBe(404);
    });

    it('unfollows and removes a follower; GraphQL counts follow', async () => {
      const unfollowed = await alice.client.v1.accounts.$select(bob.account.id).unfollow();
      expect(unfollowed.following).toBe(false);
      expect((await gqlAccount(bob.username)).followersCount).toBe(0);
      // masto.js types this answer as void; Mastodon (and Guildhall) answer the Relationship.
      const removed = (await alice.client.v1.accounts
        .$select(bob.account.id)
        .removeFromFollowers()) as unknown as mastodon.v1.Relationship;
      expect(removed.followedBy).toBe(false);
      expect((await gqlAccount(alice.username)).followersCount).toBe(0);
    });

    it('a locked account gets a request: listed, authorized and rejected through follow_requests', async () => {
      const locked = await member();
      await locked.client.v1.accounts.updateCredentials({ locked: true });
      const asked = await alice.client.v1.accounts.$select(locked.account.id).follow();
      expect(asked).toMatchObject({ following: false, requested: true });
      const byBob = await bob.client.v1.accounts.$select(locked.account.id).follow();
      expect(byBob.requested).toBe(true);

      const verified = await locked.client.v1.accounts.verifyCredentials();
      expect(verified.source.followRequestsCount).toBe(2);
      const requests = await locked.client.v1.followRequests.list();
      expect(requests.map((a) => a.id)).toEqual([bob.account.id, alice.account.id]);
      const [asSeen] = await locked.client.v1.accounts.relationships.fetch({ id: [alice.account.id] });
      expect(asSeen.requestedBy).toBe(true);

      const authorized = await locked.client.v1.followRequests.$select(alice.account.id).authorize();
      expect(authorized).toMatchObject({ followedBy: true, requestedBy: false });
      const rejected = await locked.client.v1.followRequests.$select(bob.account.id).reject();
      expect(rejected).toMatchObject({ followedBy: false, requestedBy: false });
      expect((await gqlAccount(locked.username, alice.token)).viewerRelationship).toMatchObject({ following: true });
      const again = await api(locked.appToken).post(`/api/v1/follow_requests/${bob.account.id}/authorize`);
      expect(again.status).toBe(404);
    });

    it('refuses a write with a read-only token (403), an unknown account (404), following oneself (422)', async () => {
      const readOnly = await appToken(t, alice, 'read');
      const forbidden = await api(readOnly).post(`/api/v1/accounts/${bob.account.id}/follow`);
      expect(forbidden.status).toBe(403);
      expect((await api(alice.appToken).post(`/api/v1/accounts/${uuidv7()}/follow`)).status).toBe(404);
      expect((await api(alice.appToken).post(`/api/v1/accounts/${alice.account.id}/follow`)).status).toBe(422);
      expect((await gqlAccount(bob.username)).followersCount).toBe(0);
    });
  });

  describe('blocks, mutes and domain blocks', () => {
    it('blocks and unblocks, ending follows; lists blocks', async () => {
      const blocker = await member();
      const target = await member();
      await target.client.v1.accounts.$select(blocker.account.id).follow();
      const blocked = await blocker.client.v1.accounts.$select(target.account.id).block();
      expect(blocked).toMatchObject({ blocking: true, followedBy: false });
      expect((await gqlAccount(blocker.username)).followersCount).toBe(0);
      expect((await blocker.client.v1.blocks.list()).map((a) => a.id)).toEqual([target.account.id]);
      const [asTarget] = await target.client.v1.accounts.relationships.fetch({ id: [blocker.account.id] });
      expect(asTarget.blockedBy).toBe(true);
      expect((await blocker.client.v1.accounts.$select(target.account.id).unblock()).blocking).toBe(false);
      expect(await blocker.client.v1.blocks.list()).toEqual([]);
    });

    it('mutes and unmutes; a duration that is not whole seconds within ten years is refused with 422', async () => {
      const muter = await member();
      const target = await signUp(t);
      for (const duration of ['an hour', -5, 10 * 365 * 86_400 + 1, 1.5]) {
        const refused = await api(muter.appToken).post(`/api/v1/accounts/${target.account.id}/mute`).send({ duration });
        expect(refused.status).toBe(422);
        expect(refused.body.error).toEqual(expect.stringContaining('seconds'));
      }
      expect(await muter.client.v1.mutes.list()).toEqual([]);
      const muted = await muter.client.v1.accounts.$select(target.account.id).mute({ notifications: true });
      expect(muted).toMatchObject({ muting: true, mutingNotifications: true });
      expect((await muter.client.v1.mutes.list()).map((a) => a.id)).toEqual([target.account.id]);
      expect((await gqlAccount(target.username, muter.token)).viewerRelationship?.muting).toBe(true);
      expect((await muter.client.v1.accounts.$select(target.account.id).unmute()).muting).toBe(false);
    });

    it("a domain block hides that server's posts from the public timeline and shows in relationships", async () => {
      const reader = await member();
      const domain = `blocked-${Date.now().toString(36)}.example`;
      const remoteId = uuidv7();
      await db.query(`INSERT INTO accounts (id, username, domain, uri, url) VALUES ($1, 'remote', $2, $3, $3)`, [
        remoteId,
        domain,
        `https://${domain}/users/remote`,
      ]);
      const postId = uuidv7();
      await db.query(
        `INSERT INTO posts (id, account_id, local, uri, content, visibility) VALUES ($1, $2, false, $3, '<p>hi</p>', 'public')`,
        [postId, remoteId, `https://${domain}/notes/1`],
      );
      const federated = async () =>
        (
          await t.gql<{ timeline: { edges: { node: { id: string } }[] } }>(FEDERATED, {}, reader.token)
        ).data!.timeline.edges.map((edge) => edge.node.id);
      expect(await federated()).toContain(postId);
      // Someone the reader follows boosts it into their home.
      const booster = await signUp(t);
      await t.gql(FOLLOW, { handle: booster.username }, reader.token);
      await t.gql('mutation($id: ID!) { boostPost(id: $id) { id } }', { id: postId }, booster.token);
      const [{ id: boostId }] = await db.query<{ id: string }[]>('SELECT id FROM posts WHERE boost_of_id = $1', [
        postId,
      ]);
      // GraphQL's HOME: the Mastodon home timeline is another branch's.
      const home = async () =>
        (
          await t.gql<{ timeline: { edges: { node: { id: string } }[] } }>(
            '{ timeline(kind: HOME, first: 40) { edges { node { id } } } }',
            {},
            reader.token,
          )
        ).data!.timeline.edges.map((edge) => edge.node.id);
      expect(await home()).toContain(boostId);

      await reader.client.v1.domainBlocks.create({ domain: domain.toUpperCase() });
      expect(await reader.client.v1.domainBlocks.list()).toEqual([domain]);
      expect(await federated()).not.toContain(postId);
      expect(await home()).not.toContain(boostId);
      const [rel] = await reader.client.v1.accounts.relationships.fetch({ id: [remoteId] });
      expect(rel.domainBlocking).toBe(true);
      expect((await gqlAccount(`remote@${domain}`, reader.token)).viewerRelationship?.domainBlocking).toBe(true);

      const invalid = await api(reader.appToken).post('/api/v1/domain_blocks').send({ domain: 'not a domain/' });
      expect(invalid.status).toBe(422);
      const own = await api(reader.appToken)
        .post('/api/v1/domain_blocks')
        .send({ domain: new URL(t.origin).host });
      expect(own.status).toBe(422);
      expect(await reader.client.v1.domainBlocks.list()).toEqual([domain]);

      await reader.client.v1.domainBlocks.remove({ domain });
      expect(await reader.client.v1.domainBlocks.list()).toEqual([]);
      expect(await federated()).toContain(postId);
      expect(await home()).toContain(boostId);
    });

    it('answers empty endorsements and featured tags', async () => {
      const someone = await member();
      expect((await api(someone.appToken).get('/api/v1/endorsements')).body).toEqual([]);
      expect((await api(someone.appToken).get('/api/v1/featured_tags')).body).toEqual([]);
    });
  });

  describe('hashtags', () => {
    it('follows and unfollows tags; followed_tags lists them with Link; tags/:name says following', async () => {
      const fan = await member();
      const poster = await signUp(t);
      const tag = `garden${Date.now().toString(36)}`;
      await t.gql(CREATE_POST, { input: { content: `about #${tag}` } }, poster.token);

      const [{ id: tagId }] = await db.query<{ id: string }[]>('SELECT id FROM hashtags WHERE name = $1', [tag]);
      const anonymous = await api().get(`/api/v1/tags/${tag.toUpperCase()}`);
      expect(anonymous.status).toBe(200);
      expect(anonymous.body).toEqual({ id: tagId, name: tag, url: `${t.origin}/tags/${tag}`, history: [] });
      expectMastodonResponse('GET', `/api/v1/tags/${tag}`, 200, anonymous.body);
      expect((await fan.client.v1.tags.$select(tag).fetch()).following).toBe(false);

      // "#tag" (encoded) names the same tag.
      const followed = await api(fan.appToken).post(`/api/v1/tags/%23${tag}/follow`);
      expect(followed.body).toEqual({
        id: tagId,
        name: tag,
        url: `${t.origin}/tags/${tag}`,
        history: [],
        following: true,
      });
      expectMastodonResponse('POST', `/api/v1/tags/${tag}/follow`, 200, followed.body);
      expect((await fan.client.v1.tags.$select(tag).fetch()).following).toBe(true);
      // A tag no post carried yet is created by following it, as Mastodon does.
      const fresh = `fresh${Date.now().toString(36)}`;
      await fan.client.v1.tags.$select(fresh).follow();
      const list = await api(fan.appToken).get('/api/v1/followed_tags');
      expect(ids(list.body, 'name')).toEqual([fresh, tag]);
      expectMastodonResponse('GET', '/api/v1/followed_tags', 200, list.body);
      expect(list.body[0]).toEqual({
        id: expect.any(String),
        name: fresh,
        url: `${t.origin}/tags/${fresh}`,
        history: [],
        following: true,
      });
      expect(list.body[1].id).toBe(tagId);
      const [newest] = await db.query<{ id: string }[]>(
        `SELECT f.id FROM followed_hashtags f JOIN hashtags h ON h.id = f.hashtag_id WHERE h.name = $1`,
        [fresh],
      );
      expect(list.headers.link).toContain(`min_id=${newest.id}>; rel="prev"`);

      expect((await fan.client.v1.tags.$select(tag).unfollow()).following).toBe(false);
      expect(ids((await api(fan.appToken).get('/api/v1/followed_tags')).body, 'name')).toEqual([fresh]);
      expect((await api().get('/api/v1/tags/nosuchtag0x')).status).toBe(404);
      expect((await api(fan.appToken).post('/api/v1/tags/no%20tag/follow')).status).toBe(422);
      const readOnly = await appToken(t, fan, 'read');
      expect((await api(readOnly).post(`/api/v1/tags/${tag}/follow`)).status).toBe(403);
    });
  });

  it('GET /api/v1/accounts?id[]= answers the known accounts in the order asked', async () => {
    const [a, b] = [await signUp(t), await signUp(t)];
    const res = await api().get(`/api/v1/accounts?id[]=${b.account.id}&id[]=${uuidv7()}&id[]=${a.account.id}`);
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual([b.account.id, a.account.id]);
  });

  // Keep the type import used: masto's entity types describe what the client parsed.
  it('renders what masto.js parses as an Account', async () => {
    const someone: SignedUp = await signUp(t);
    const client = masto.createRestAPIClient({ url: t.origin });
    const account: mastodon.v1.Account = await client.v1.accounts.$select(someone.account.id).fetch();
    expect(account).toMatchObject({ id: someone.account.id, username: someone.username, locked: false, bot: false });
  });
});

describe('Mastodon API: account search resolving remote handles', () => {
  let peer: Peer;
  let t: TestApp & { origin: string };
  let db: DataSource;

  beforeAll(async () => {
    peer = await startPeer();
    trustCertificateInThisProcess(peer.caCertPath);
    t = await createListeningTestApp({ FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true' });
    db = t.app.get(DataSource);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await peer?.stop();
  });

  it('resolve=true looks user@host up over WebFinger; without it an unknown handle finds nothing', async () => {
    const remote = await peer.createActor({ username: 'faraway', name: 'Far Away' });
    const searcher = await signUp(t);
    const token = await appToken(t, searcher);
    const search = (resolve: boolean) =>
      t
        .http()
        .get(`/api/v1/accounts/search?q=${encodeURIComponent(remote.handle)}&resolve=${resolve}`)
        .set('authorization', `Bearer ${token}`);

    const unresolved = await search(false);
    expect(unresolved.status).toBe(200);
    expect(unresolved.body).toEqual([]);
    expect(await db.query('SELECT 1 FROM accounts WHERE uri = $1', [remote.id])).toHaveLength(0);

    const resolved = await search(true);
    expect(resolved.status).toBe(200);
    expect(resolved.body).toHaveLength(1);
    expect(resolved.body[0]).toMatchObject({
      acct: remote.handle,
      username: 'faraway',
      display_name: 'Far Away',
      uri: remote.id,
    });
    const [row] = await db.query<{ id: string }[]>('SELECT id FROM accounts WHERE uri = $1', [remote.id]);
    expect(resolved.body[0].id).toBe(row.id);

    // Known now: a follow by id waits for the remote server's Accept.
    const followed = await t.http().post(`/api/v1/accounts/${row.id}/follow`).set('authorization', `Bearer ${token}`);
    expect(followed.body).toMatchObject({ following: false, requested: true });
  });
});
