import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRestAPIClient, createStreamingAPIClient, type mastodon } from 'masto';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { WebSocket } from 'ws';
import { captureBothWidths, launchChromium, strictContext } from './utils/browser';
import { SIGN_UP } from './utils/factories';
import { freePort, until } from './utils/instance';
import { expectMastodonResponse } from './utils/mastodon-schema';
import { startPeer, type Peer } from './utils/peer';
import { until as untilStreamed } from './utils/streaming';
import { cleanEnv, start, NPM_START_ARGS, NPM_START_ENV, postgresOf, waitForHealth } from './utils/spawn';

/**
 * Issue 11's first "Done when", tried as a new user would: the built server as `npm start` runs it,
 * on its embedded defaults (no DATABASE_URL, no REDIS_URL, no PUBLIC_ORIGIN: `http://localhost:<port>`)
 * in an empty DATA_DIR, and a Mastodon app pointed at it. The app registers, sends the person to the
 * OAuth pages in Chromium, where they sign up and authorize (PKCE), then works through masto.js:
 * home timeline, posting with an image and a poll, replying, favouriting, boosting, a notification
 * in real time on the streaming API, search of a remote handle (a loopback ActivityPub peer, its
 * WebFinger over https with a test certificate the server trusts through NODE_EXTRA_CA_CERTS) and lists.
 */

const SCOPES = 'read write follow push';
const NEWCOMER = { username: 'mastofan', displayName: 'Masto Fan', email: 'mastofan@example.org' };
const PASSWORD = 'correct horse battery';

type Json = Record<string, unknown> & { id: string };
type Event = mastodon.streaming.Event;

/** Collects a masto.js subscription's events until the client is closed. */
function collect(subscription: mastodon.streaming.Subscription): Event[] {
  const events: Event[] = [];
  void (async () => {
    try {
      for await (const event of subscription) events.push(event);
    } catch {
      // closed
    }
  })();
  return events;
}

describe('issue 11, done when: a Mastodon app on `npm start`, through the OAuth pages in Chromium and masto.js', () => {
  let dataDir: string;
  let origin: string;
  let server: ReturnType<typeof start>;
  let peer: Peer;
  let browser: Browser;
  let callback: Server;
  let redirectUri: string;

  beforeAll(async () => {
    peer = await startPeer();
    dataDir = mkdtempSync(join(tmpdir(), 'guildhall-mastodon-journey-'));
    chmodSync(dataDir, 0o755); // PostgreSQL runs as the postgres user when we are root
    const port = await freePort();
    // No PUBLIC_ORIGIN: the default, http://localhost:<port>, is what the app is pointed at.
    origin = `http://localhost:${port}`;
    const env = cleanEnv({
      PORT: String(port),
      DATA_DIR: dataDir,
      EMBEDDED_POSTGRES_PORT: String(await freePort()),
      // The peer is on loopback, and WebFinger of an acct: handle is https: trust its test certificate.
      FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true',
      NODE_EXTRA_CA_CERTS: peer.caCertPath,
    });
    server = start(NPM_START_ARGS, { ...env, ...NPM_START_ENV });
    // The app's redirect target: a local page, as a web client's callback.
    callback = createHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<p>app</p>'));
    await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
    redirectUri = `http://127.0.0.1:${(callback.address() as { port: number }).port}/callback`;
    await waitForHealth(origin, server.output);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (callback ? callback.close(() => resolve()) : resolve()));
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      const exited = new Promise((resolve) => server.child.once('exit', resolve));
      server.child.kill('SIGTERM');
      await exited;
    }
    await peer?.stop();
    for (const pid of postgresOf(dataDir)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  /** A raw Mastodon call, its answer checked against Mastodon's documented schema. */
  async function api<T = Json>(
    method: string,
    path: string,
    token: string | null,
    body?: unknown,
    status = 200,
  ): Promise<T> {
    const res = await fetch(`${origin}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as T;
    expect({ path, status: res.status, json }).toMatchObject({ path, status });
    expectMastodonResponse(method, path, status, json);
    return json;
  }

  async function gql<T>(query: string, variables: object, token?: string): Promise<T> {
    const res = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    return body.data as T;
  }

  /** The app's side of the OAuth dance; the person's side is in Chromium. Resolves to the access token. */
  async function signUpThroughTheApp(): Promise<string> {
    const app = await api<Json & { client_id: string; client_secret: string; redirect_uri: string }>(
      'POST',
      '/api/v1/apps',
      null,
      { client_name: 'Journey App', redirect_uris: redirectUri, scopes: SCOPES, website: 'https://app.example' },
    );
    expect(app).toMatchObject({ name: 'Journey App', redirect_uri: redirectUri, scopes: SCOPES.split(' ') });

    const verifier = randomBytes(48).toString('base64url');
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: app.client_id,
      redirect_uri: redirectUri,
      scope: SCOPES,
      state: 'journey-state',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    });
    const { context, cspViolations } = await strictContext(browser, { locale: 'en-US' });
    const page = await context.newPage();
    try {
      await page.goto(`${origin}/oauth/authorize?${query.toString()}`);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Sign in to Guildhall');
      // A new user: from the sign-in page to the sign-up page, which brings them back to the consent.
      await page.getByRole('link', { name: 'Sign up' }).click();
      await page.waitForURL((url) => url.pathname === '/auth/sign_up');
      expect(new URL(page.url()).searchParams.get('return_to')).toBe(`/oauth/authorize?${query.toString()}`);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Create a Guildhall account');
      expect(await captureBothWidths(page, 'mastodon-journey-01-sign-up')).toEqual([]);
      await page.getByLabel('Username').fill(NEWCOMER.username);
      await page.getByLabel('Display name (optional)').fill(NEWCOMER.displayName);
      await page.getByLabel('Email').fill(NEWCOMER.email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign up' }).click();
      await page.waitForURL((url) => url.pathname === '/oauth/authorize');

      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Authorize Journey App?');
      await expect(page.locator('.account strong').textContent()).resolves.toBe(`@${NEWCOMER.username}`);
      expect(await page.locator('ul.scopes li .muted').allTextContents()).toEqual(
        SCOPES.split(' ').map((scope) => `(${scope})`),
      );
      expect(await captureBothWidths(page, 'mastodon-journey-02-consent')).toEqual([]);
      await Promise.all([
        page.waitForURL((url) => url.href.startsWith(`${redirectUri}?`)),
        page.getByRole('button', { name: 'Authorize' }).click(),
      ]);
      const landed = new URL(page.url());
      expect(landed.searchParams.get('state')).toBe('journey-state');
      const code = landed.searchParams.get('code');
      expect(code).toMatch(/^[\w-]{43}$/);
      expect(cspViolations).toEqual([]);

      const token = await api<{ access_token: string; token_type: string; scope: string }>(
        'POST',
        '/oauth/token',
        null,
        {
          grant_type: 'authorization_code',
          client_id: app.client_id,
          client_secret: app.client_secret,
          code,
          redirect_uri: redirectUri,
          code_verifier: verifier,
        },
      );
      expect(token).toMatchObject({ token_type: 'Bearer', scope: SCOPES });
      return token.access_token;
    } finally {
      await context.close();
    }
  }

  it('signs up through the app, then home, posts with an image and a poll, replies, favourites, boosts, notifications, remote search and lists', async () => {
    const accessToken = await signUpThroughTheApp();
    const masto = createRestAPIClient({ url: origin, accessToken });

    const me = await masto.v1.accounts.verifyCredentials();
    expect(me).toMatchObject({
      username: NEWCOMER.username,
      acct: NEWCOMER.username,
      displayName: NEWCOMER.displayName,
    });
    expect(me.url).toBe(`${origin}/@${NEWCOMER.username}`);
    await api('GET', '/api/v1/accounts/verify_credentials', accessToken);
    const app = await api('GET', '/api/v1/apps/verify_credentials', accessToken);
    expect(app.name).toBe('Journey App');

    // The app opens the streaming API (masto.js connects, then subscribes: wait for both).
    const streaming = createStreamingAPIClient({
      streamingApiUrl: origin.replace('http', 'ws'),
      accessToken,
      implementation: WebSocket,
      retry: 1,
    });
    try {
      await streaming.prepare();
      const events = collect(streaming.user.subscribe());
      await new Promise((resolve) => setTimeout(resolve, 200));

      // A second local member, signed up through GraphQL, followed from the app; their post is home.
      const { signUp: friend } = await gql<{ signUp: { token: string; account: { id: string; handle: string } } }>(
        SIGN_UP,
        { input: { username: 'friend', email: 'friend@example.org', password: PASSWORD, displayName: 'Friend' } },
      );
      const followed = await masto.v1.accounts.$select(friend.account.id).follow();
      expect(followed).toMatchObject({ id: friend.account.id, following: true, requested: false });
      const { createPost: friendPost } = await gql<{ createPost: { id: string } }>(
        'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }',
        { input: { content: 'Hello from a friend', visibility: 'PUBLIC' } },
        friend.token,
      );
      const update = await untilStreamed(
        () => events.find((e) => e.event === 'update' && e.payload.id === friendPost.id),
        10_000,
      );
      expect(update.stream).toEqual(['user']);
      const home = await api<Json[]>('GET', '/api/v1/timelines/home', accessToken);
      expect(home.map((s) => [s.id, s.content, (s.account as Json).id])).toEqual([
        [friendPost.id, '<p>Hello from a friend</p>', friend.account.id],
      ]);

      // A post with an image: a real PNG, made with sharp, uploaded through v2.
      const png = await sharp({
        create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 40, b: 90 } },
      })
        .png()
        .toBuffer();
      const media = await masto.v2.media.create({
        file: new Blob([new Uint8Array(png)], { type: 'image/png' }),
        description: 'A red rectangle',
      });
      expect(media).toMatchObject({ type: 'image', description: 'A red rectangle' });
      expect(media.meta?.original).toMatchObject({ width: 64, height: 48 });
      const withImage = await masto.v1.statuses.create({ status: 'My first picture', mediaIds: [media.id] });
      expect(withImage).toMatchObject({ content: '<p>My first picture</p>', visibility: 'public' });
      expect(withImage.mediaAttachments.map((m) => [m.id, m.type, m.description])).toEqual([
        [media.id, 'image', 'A red rectangle'],
      ]);
      // Attached to a public post, the file is anyone's to fetch, and it is the picture.
      const served = await fetch(withImage.mediaAttachments[0].url!);
      expect(served.status).toBe(200);
      const decoded = await sharp(Buffer.from(await served.arrayBuffer())).metadata();
      expect([decoded.width, decoded.height]).toEqual([64, 48]);

      // A post with a poll; the friend votes.
      const withPoll = await masto.v1.statuses.create({
        status: 'Tea or coffee?',
        poll: { options: ['Tea', 'Coffee'], expiresIn: 3600 },
      });
      expect(withPoll.poll).toMatchObject({ multiple: false, expired: false, votesCount: 0 });
      expect(withPoll.poll!.options).toEqual([
        { title: 'Tea', votesCount: 0 },
        { title: 'Coffee', votesCount: 0 },
      ]);
      const asFriend = createRestAPIClient({ url: origin, accessToken: friend.token });
      await asFriend.v1.polls.$select(withPoll.poll!.id).votes.create({ choices: [1] });
      const poll = await masto.v1.polls.$select(withPoll.poll!.id).fetch();
      // As in Mastodon, the author counts as having voted (Poll#voted?), with no votes of their own.
      expect(poll).toMatchObject({ votesCount: 1, votersCount: 1, voted: true, ownVotes: [] });
      expect(poll.options).toEqual([
        { title: 'Tea', votesCount: 0 },
        { title: 'Coffee', votesCount: 1 },
      ]);

      // Reply to the friend's post, favourite it and boost it.
      const reply = await masto.v1.statuses.create({
        status: `@${friend.account.handle} welcome!`,
        inReplyToId: friendPost.id,
      });
      expect(reply).toMatchObject({ inReplyToId: friendPost.id, inReplyToAccountId: friend.account.id });
      expect(reply.mentions.map((m) => m.id)).toEqual([friend.account.id]);
      const favourited = await masto.v1.statuses.$select(friendPost.id).favourite();
      expect(favourited).toMatchObject({ id: friendPost.id, favourited: true, favouritesCount: 1 });
      const boost = await masto.v1.statuses.$select(friendPost.id).reblog();
      expect(boost.reblog).toMatchObject({ id: friendPost.id, reblogged: true, reblogsCount: 1 });
      const shown = await api('GET', `/api/v1/statuses/${friendPost.id}`, accessToken);
      expect(shown).toMatchObject({
        favourites_count: 1,
        reblogs_count: 1,
        replies_count: 1,
        favourited: true,
        reblogged: true,
      });
      const context = await api<{ ancestors: Json[]; descendants: Json[] }>(
        'GET',
        `/api/v1/statuses/${friendPost.id}/context`,
        accessToken,
      );
      expect(context.descendants.map((s) => s.id)).toEqual([reply.id]);

      // The friend likes our picture: a notification arrives on the user stream, and is listed.
      await gql('mutation($id: ID!) { likePost(id: $id) { id } }', { id: withImage.id }, friend.token);
      const notified = await untilStreamed(() => events.find((e) => e.event === 'notification'), 10_000);
      expect(notified.payload).toMatchObject({
        type: 'favourite',
        account: { id: friend.account.id },
        status: { id: withImage.id },
      });
      const notifications = await masto.v1.notifications.list();
      expect(notifications.map((n) => [n.id, n.type, n.account.id, n.status?.id])).toEqual([
        [notified.payload.id, 'favourite', friend.account.id, withImage.id],
      ]);
      const listedRaw = await api<Json[]>('GET', '/api/v1/notifications', accessToken);
      expect(listedRaw.map((n) => [n.id, n.type])).toEqual([[notified.payload.id, 'favourite']]);

      // Search a remote handle (WebFinger over https on the peer), then follow it: the peer accepts.
      const someone = await peer.createActor({ username: 'someone', name: 'Someone Remote' });
      const handle = `someone@${peer.handleHost}`;
      const found = await masto.v2.search.list({ q: `@${handle}`, resolve: true, type: 'accounts' });
      expect(found.accounts.map((a) => [a.acct, a.displayName])).toEqual([[handle, 'Someone Remote']]);
      // Now stored: found without resolving.
      const stored = await api<{ accounts: Json[] }>(
        'GET',
        `/api/v2/search?${new URLSearchParams({ q: `@${handle}`, type: 'accounts' }).toString()}`,
        accessToken,
      );
      expect(stored.accounts.map((a) => [a.id, a.uri])).toEqual([[found.accounts[0].id, someone.id]]);
      const remote = found.accounts[0];
      await masto.v1.accounts.$select(remote.id).follow();
      const [follow] = await peer.waitFor('Follow', 1, 20_000);
      expect([follow.actor, follow.verification.verified]).toEqual([`${origin}/users/${NEWCOMER.username}`, true]);
      const relationship = await until(
        async () => {
          const [r] = await masto.v1.accounts.relationships.fetch({ id: [remote.id] });
          return r.following ? r : undefined;
        },
        'the peer to accept the follow',
        20_000,
      );
      expect(relationship).toMatchObject({ id: remote.id, following: true, requested: false });

      // A list with the friend: its timeline shows the friend's post.
      const list = await masto.v1.lists.create({ title: 'Friends' });
      expect(list).toMatchObject({ title: 'Friends', repliesPolicy: 'list' });
      await masto.v1.lists.$select(list.id).accounts.create({ accountIds: [friend.account.id] });
      const members = await api<Json[]>('GET', `/api/v1/lists/${list.id}/accounts`, accessToken);
      expect(members.map((a) => a.id)).toEqual([friend.account.id]);
      const listed = await api<Json[]>('GET', `/api/v1/timelines/list/${list.id}`, accessToken);
      expect(listed.map((s) => [s.id, s.content])).toEqual([[friendPost.id, '<p>Hello from a friend</p>']]);
    } finally {
      streaming.close();
    }
  }, 150_000);
});
