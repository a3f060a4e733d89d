import { createECDH, randomBytes, type ECDH } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { PushKeys } from '@guildhall/mastodon-api';
import { signUp, type SignedUp } from './utils/factories';
import { appToken, registerApp } from './utils/mastodon';
import { makeStaff } from './utils/web';
import { createListeningTestApp, createTestApp, type TestApp } from './utils/test-app';

// http_ece is web-push's own dependency (RFC 8188/8291): the test decrypts with it as an app would.
const ece = createRequire(__filename)('http_ece') as {
  decrypt(
    buffer: Buffer,
    params: { version: string; privateKey: ECDH; authSecret: string; dh?: string; salt?: string },
  ): Buffer;
};

const CREATE_POST = /* GraphQL */ `
  mutation ($input: CreatePostInput!) {
    createPost(input: $input) {
      id
    }
  }
`;
const LIKE = /* GraphQL */ `
  mutation ($id: ID!) {
    likePost(id: $id) {
      id
    }
  }
`;
const FOLLOW = /* GraphQL */ `
  mutation ($handle: String!) {
    follow(handle: $handle) {
      state
    }
  }
`;

const ALL_OFF = {
  mention: false,
  status: false,
  reblog: false,
  follow: false,
  follow_request: false,
  favourite: false,
  poll: false,
  update: false,
  'admin.sign_up': false,
  'admin.report': false,
};

const MASTO_ALL_OFF = Object.fromEntries(
  Object.entries(ALL_OFF).map(([key, value]) => [key.replace(/[._](\w)/g, (_, c: string) => c.toUpperCase()), value]),
);

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A push service on loopback: records what it receives and answers `status`. */
class PushService {
  readonly received: Received[] = [];
  status = 201;
  private server: Server;
  origin = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(this.status).end();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  to(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }
}

/** An app's push keys: the ECDH pair it decrypts with and its 16-byte secret. */
function appKeys() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return { ecdh, p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') };
}

function decrypt(received: Received, keys: ReturnType<typeof appKeys>): Record<string, unknown> {
  const encoding = received.headers['content-encoding'];
  const plain =
    encoding === 'aes128gcm'
      ? ece.decrypt(received.body, { version: 'aes128gcm', privateKey: keys.ecdh, authSecret: keys.auth })
      : ece.decrypt(received.body, {
          version: 'aesgcm',
          privateKey: keys.ecdh,
          authSecret: keys.auth,
          dh: /dh=([^;,]+)/.exec(String(received.headers['crypto-key']))?.[1],
          salt: /salt=([^;,]+)/.exec(String(received.headers.encryption))?.[1],
        });
  return JSON.parse(plain.toString('utf8')) as Record<string, unknown>;
}

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Mastodon Web Push', () => {
  let t: TestApp & { origin: string };
  let db: DataSource;
  let push: PushService;
  let serverKey: string;

  beforeAll(async () => {
    push = new PushService();
    await push.start();
    t = await createListeningTestApp({ FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true' }, { withWorker: true });
    db = t.app.get(DataSource);
    serverKey = t.app.get(PushKeys).publicKey;
  });
  afterAll(async () => {
    await t.close();
    await push.stop();
  });

  async function subscribe(
    member: SignedUp,
    path: string,
    alerts: Record<string, boolean>,
    extra: Record<string, unknown> = {},
  ) {
    const token = await appToken(t, member);
    const keys = appKeys();
    const res = await t
      .http()
      .post('/api/v1/push/subscription')
      .set('authorization', `Bearer ${token}`)
      .send({
        subscription: { endpoint: `${push.origin}${path}`, keys: { p256dh: keys.p256dh, auth: keys.auth }, ...extra },
        data: { alerts },
      });
    expect(res.status).toBe(200);
    return { token, keys, id: (res.body as { id: string }).id };
  }

  async function postBy(member: SignedUp, content: string): Promise<string> {
    const res = await t.gql<{ createPost: { id: string } }>(CREATE_POST, { input: { content } }, member.token);
    return res.data!.createPost.id;
  }

  async function notificationId(accountId: string, type: string): Promise<string> {
    const [row] = await db.query<{ id: string }[]>(
      'SELECT id FROM notifications WHERE account_id = $1 AND type = $2 ORDER BY id DESC LIMIT 1',
      [accountId, type],
    );
    return row.id;
  }

  describe('CRUD', () => {
    it('creates, shows, updates and deletes the token’s subscription with masto.js, with Mastodon’s values', async () => {
      const { createRestAPIClient } = await import('masto');
      const member = await signUp(t);
      const token = await appToken(t, member);
      const client = createRestAPIClient({ url: t.origin, accessToken: token });
      const keys = appKeys();
      const created = await client.v1.push.subscription.create({
        subscription: { endpoint: 'https://push.example/send/abc', keys: { p256dh: keys.p256dh, auth: keys.auth } },
        data: { alerts: { favourite: true, follow: true, mention: true } },
        policy: 'followed',
      });
      expect(created).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        endpoint: 'https://push.example/send/abc',
        standard: false,
        // masto.js camel-cases the keys it reads.
        alerts: { ...MASTO_ALL_OFF, favourite: true, follow: true, mention: true },
        policy: 'followed',
        serverKey,
      });
      const shown = await client.v1.push.subscription.fetch();
      expect(shown).toEqual(created);

      const updated = await client.v1.push.subscription.update({ data: { alerts: { reblog: true } } });
      expect(updated).toEqual({ ...created, alerts: { ...MASTO_ALL_OFF, reblog: true }, policy: 'all' });
      const [row] = await db.query<{ account_id: string; key_auth: string; sealed_access_token: string }[]>(
        'SELECT account_id, key_auth, sealed_access_token FROM web_push_subscriptions WHERE id = $1',
        [created.id],
      );
      expect(row.account_id).toBe(member.account.id);
      expect(row.key_auth).toBe(keys.auth);
      expect(row.sealed_access_token).not.toContain(token);

      await client.v1.push.subscription.remove();
      const gone = await t.http().get('/api/v1/push/subscription').set('authorization', `Bearer ${token}`);
      expect(gone.status).toBe(404);
      expect(gone.body).toEqual({ error: 'Record not found' });
      const count = await db.query<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM web_push_subscriptions WHERE account_id = $1',
        [member.account.id],
      );
      expect(count[0].n).toBe(0);
    });

    it('reads a Rails form body; subscribing again replaces the token’s subscription; another token has its own', async () => {
      const member = await signUp(t);
      const token = await appToken(t, member);
      const keys = appKeys();
      const form = (endpoint: string) =>
        `subscription[endpoint]=${encodeURIComponent(endpoint)}&subscription[keys][p256dh]=${keys.p256dh}` +
        `&subscription[keys][auth]=${keys.auth}&subscription[standard]=true` +
        '&data[alerts][admin.sign_up]=true&data[alerts][follow_request]=1&data[policy]=follower';
      const first = await t
        .http()
        .post('/api/v1/push/subscription')
        .set('authorization', `Bearer ${token}`)
        .type('form')
        .send(form('https://push.example/one'));
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        endpoint: 'https://push.example/one',
        standard: true,
        alerts: { ...ALL_OFF, 'admin.sign_up': true, follow_request: true },
        policy: 'follower',
        server_key: serverKey,
      });
      const second = await t
        .http()
        .post('/api/v1/push/subscription')
        .set('authorization', `Bearer ${token}`)
        .type('form')
        .send(form('https://push.example/two'));
      expect(second.body.id).not.toBe(first.body.id);
      const other = await appToken(t, member);
      expect((await t.http().get('/api/v1/push/subscription').set('authorization', `Bearer ${other}`)).status).toBe(
        404,
      );
      const rows = await db.query<{ endpoint: string }[]>(
        'SELECT endpoint FROM web_push_subscriptions WHERE account_id = $1',
        [member.account.id],
      );
      expect(rows).toEqual([{ endpoint: 'https://push.example/two' }]);
    });

    it('answers 422 for a missing endpoint, a bad URL, wrong key lengths, a point off the curve, a bad policy; stores nothing', async () => {
      const member = await signUp(t);
      const token = await appToken(t, member);
      const keys = appKeys();
      const offCurve = Buffer.alloc(65, 1);
      offCurve[0] = 4;
      const cases: [Record<string, unknown>, string][] = [
        [{ subscription: { keys } }, "Validation failed: Endpoint can't be blank"],
        [{ subscription: { endpoint: 'not a url', keys } }, 'Validation failed: Endpoint is not a URL'],
        [
          { subscription: { endpoint: 'ftp://push.example/x', keys } },
          'Validation failed: Endpoint must be an https URL',
        ],
        [
          { subscription: { endpoint: 'https://push.example/x', keys: { auth: keys.auth } } },
          "Validation failed: Keys p256dh can't be blank",
        ],
        [
          {
            subscription: {
              endpoint: 'https://push.example/x',
              keys: { p256dh: keys.p256dh.slice(0, 40), auth: keys.auth },
            },
          },
          'Validation failed: Keys p256dh is not an uncompressed P-256 public key (65 bytes)',
        ],
        [
          {
            subscription: {
              endpoint: 'https://push.example/x',
              keys: { p256dh: offCurve.toString('base64url'), auth: keys.auth },
            },
          },
          'Validation failed: Keys p256dh is not an uncompressed P-256 public key (65 bytes)',
        ],
        [
          {
            subscription: {
              endpoint: 'https://push.example/x',
              keys: { p256dh: keys.p256dh, auth: randomBytes(12).toString('base64url') },
            },
          },
          'Validation failed: Keys auth is not a 16-byte secret',
        ],
        [
          {
            subscription: { endpoint: 'https://push.example/x', keys: { p256dh: keys.p256dh, auth: keys.auth } },
            data: { policy: 'everyone' },
          },
          'Validation failed: Policy must be one of all, followed, follower, none',
        ],
      ];
      for (const [body, error] of cases) {
        const res = await t.http().post('/api/v1/push/subscription').set('authorization', `Bearer ${token}`).send(body);
        expect({ status: res.status, body: res.body }).toEqual({ status: 422, body: { error } });
      }
      const put = await t
        .http()
        .put('/api/v1/push/subscription')
        .set('authorization', `Bearer ${token}`)
        .send({ data: { alerts: { follow: true } } });
      expect(put.status).toBe(404);
      const count = await db.query<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM web_push_subscriptions WHERE account_id = $1',
        [member.account.id],
      );
      expect(count[0].n).toBe(0);
    });

    it('needs the push scope and a member', async () => {
      const member = await signUp(t);
      const readOnly = await appToken(t, member, 'read');
      const res = await t.http().get('/api/v1/push/subscription').set('authorization', `Bearer ${readOnly}`);
      expect(res.status).toBe(403);
      expect((await t.http().get('/api/v1/push/subscription')).status).toBe(401);
    });
  });

  describe('delivery', () => {
    it('pushes a like (RFC 8291 for a standard subscription) and a follow (Mastodon 4.3’s aesgcm) that the app decrypts', async () => {
      const alice = await signUp(t, { displayName: 'Alice Liddell' });
      const bob = await signUp(t, { displayName: 'Bob' });
      const standard = await subscribe(alice, '/alice-std', { favourite: true, follow: true }, { standard: true });
      const postId = await postBy(alice, 'Down the rabbit hole & "beyond" *now*');
      expect((await t.gql(LIKE, { id: postId }, bob.token)).errors).toBeUndefined();

      const liked = await until(() => push.to('/alice-std')[0]);
      expect(liked.headers['content-encoding']).toBe('aes128gcm');
      expect(liked.headers.ttl).toBe('172800');
      expect(liked.headers.authorization).toMatch(new RegExp(`^vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]+, k=${serverKey}$`));
      const favourite = await notificationId(alice.account.id, 'like');
      expect(decrypt(liked, standard.keys)).toEqual({
        access_token: standard.token,
        preferred_locale: 'en',
        notification_id: favourite,
        notification_type: 'favourite',
        icon: `${t.origin}/avatars/original/missing.png`,
        title: 'Bob favorited your post',
        body: 'Down the rabbit hole & "beyond" now',
      });

      // The same member's other app, on Mastodon 4.3's legacy encoding.
      const legacy = await subscribe(alice, '/alice-legacy', { follow: true });
      expect((await t.gql(FOLLOW, { handle: alice.username }, bob.token)).errors).toBeUndefined();
      const followed = await until(() => push.to('/alice-legacy')[0]);
      expect(followed.headers['content-encoding']).toBe('aesgcm');
      const follow = await notificationId(alice.account.id, 'follow');
      expect(decrypt(followed, legacy.keys)).toMatchObject({
        access_token: legacy.token,
        notification_id: follow,
        notification_type: 'follow',
        title: 'Bob is now following you',
      });
      const followStd = await until(() => push.to('/alice-std')[1]);
      expect(decrypt(followStd, standard.keys)).toMatchObject({ notification_id: follow, notification_type: 'follow' });
      // The like went only to the subscription that wants favourites.
      expect(push.to('/alice-legacy')).toHaveLength(1);
    });

    it('pushes status (a notify follow), update (an edit of a boosted post), admin.sign_up and admin.report', async () => {
      const staff = await signUp(t, { displayName: 'Sam Staff' });
      await makeStaff(t, staff.account.id, 'moderator');
      const author = await signUp(t, { displayName: 'Ann Author' });
      const authorToken = await appToken(t, author);
      const all = { ...ALL_OFF, status: true, update: true, 'admin.sign_up': true, 'admin.report': true };
      const sub = await subscribe(staff, '/staff', all, { standard: true });
      const payloads = () => push.to('/staff').map((received) => decrypt(received, sub.keys));
      const pushed = (type: string) => until(() => payloads().find((p) => p.notification_type === type));
      const api = (token: string, path: string, body: Record<string, unknown> = {}) =>
        t.http().post(path).set('authorization', `Bearer ${token}`).send(body);

      const follow = await api(sub.token, `/api/v1/accounts/${author.account.id}/follow`, { notify: true });
      expect(follow.body).toMatchObject({ following: true, notifying: true });
      const postId = await postBy(author, 'Fresh *news*');
      expect(await pushed('status')).toMatchObject({
        notification_id: await notificationId(staff.account.id, 'status'),
        title: 'Ann Author just posted',
        body: 'Fresh news',
      });

      expect((await api(sub.token, `/api/v1/statuses/${postId}/reblog`)).status).toBe(200);
      const edited = await t
        .http()
        .put(`/api/v1/statuses/${postId}`)
        .set('authorization', `Bearer ${authorToken}`)
        .send({ status: 'Fresher news' });
      expect(edited.status).toBe(200);
      expect(await pushed('update')).toMatchObject({
        notification_id: await notificationId(staff.account.id, 'update'),
        title: 'Ann Author edited a post',
        body: 'Fresher news',
      });

      await subscribe(author, '/member', all);
      const newcomer = await signUp(t, { displayName: 'Nell Newcomer' });
      expect(await pushed('admin.sign_up')).toMatchObject({
        notification_id: await notificationId(staff.account.id, 'admin.sign_up'),
        title: 'Nell Newcomer signed up',
      });
      const reported = await api(await appToken(t, newcomer), '/api/v1/reports', {
        account_id: author.account.id,
        comment: 'spam',
      });
      expect(reported.status).toBe(200);
      expect(await pushed('admin.report')).toMatchObject({
        notification_id: await notificationId(staff.account.id, 'admin.report'),
        title: 'New report from Nell Newcomer',
      });
      // A member's subscription with the same alerts hears no admin.* (they go to staff only).
      expect(payloads().filter((p) => p.notification_type === 'admin.sign_up')).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(push.to('/member')).toEqual([]);
    });

    it('sends nothing for an alert that is off or a policy that excludes the actor', async () => {
      const carol = await signUp(t);
      const dave = await signUp(t);
      await subscribe(carol, '/carol', { favourite: false, follow: true });
      const postId = await postBy(carol, 'quiet');
      await t.gql(LIKE, { id: postId }, dave.token);
      await t.gql(FOLLOW, { handle: carol.username }, dave.token);
      const followed = await until(() => push.to('/carol')[0]);
      const payload = await until(async () => {
        const [row] = await db.query<{ id: string }[]>(
          "SELECT id FROM notifications WHERE account_id = $1 AND type = 'follow'",
          [carol.account.id],
        );
        return row;
      });
      expect(followed.headers['content-encoding']).toBe('aesgcm');
      expect(payload.id).toBeDefined();
      // The like's notification exists, but nothing was pushed for it.
      const like = await db.query<{ id: string }[]>(
        "SELECT id FROM notifications WHERE account_id = $1 AND type = 'like'",
        [carol.account.id],
      );
      expect(like).toHaveLength(1);
      expect(push.to('/carol')).toHaveLength(1);

      // policy=followed: only accounts Erin follows reach her.
      const erin = await signUp(t);
      const token = await appToken(t, erin);
      const keys = appKeys();
      await t
        .http()
        .post('/api/v1/push/subscription')
        .set('authorization', `Bearer ${token}`)
        .send({
          subscription: { endpoint: `${push.origin}/erin`, keys: { p256dh: keys.p256dh, auth: keys.auth } },
          data: { alerts: { follow: true, favourite: true }, policy: 'followed' },
        });
      const erinPost = await postBy(erin, 'hello');
      await t.gql(FOLLOW, { handle: erin.username }, dave.token);
      await t.gql(FOLLOW, { handle: carol.username }, erin.token);
      await t.gql(LIKE, { id: erinPost }, carol.token);
      const liked = await until(() => push.to('/erin')[0]);
      expect(decrypt(liked, keys)).toMatchObject({ notification_type: 'favourite' });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(push.to('/erin')).toHaveLength(1);
    });

    it('deletes the subscription when the push service answers 410', async () => {
      const frank = await signUp(t);
      const grace = await signUp(t);
      const sub = await subscribe(frank, '/frank', { follow: true });
      push.status = 410;
      try {
        await t.gql(FOLLOW, { handle: frank.username }, grace.token);
        await until(() => push.to('/frank')[0]);
        await until(async () => {
          const rows = await db.query<unknown[]>('SELECT 1 FROM web_push_subscriptions WHERE id = $1', [sub.id]);
          return rows.length === 0 ? true : undefined;
        });
      } finally {
        push.status = 201;
      }
      const res = await t.http().get('/api/v1/push/subscription').set('authorization', `Bearer ${sub.token}`);
      expect(res.status).toBe(404);
    });

    it('retries when the push service answers 503, and delivers once it is back', async () => {
      const judy = await signUp(t);
      const kim = await signUp(t);
      const sub = await subscribe(judy, '/judy', { follow: true }, { standard: true });
      push.status = 503;
      try {
        await t.gql(FOLLOW, { handle: judy.username }, kim.token);
        await until(() => push.to('/judy')[0]);
      } finally {
        push.status = 201;
      }
      // BullMQ's backoff (10 s for the first retry) brings it again; the subscription stays.
      const second = await until(() => push.to('/judy')[1], 20_000);
      expect(decrypt(second, sub.keys)).toMatchObject({
        notification_id: await notificationId(judy.account.id, 'follow'),
        notification_type: 'follow',
      });
      const rows = await db.query<unknown[]>('SELECT 1 FROM web_push_subscriptions WHERE id = $1', [sub.id]);
      expect(rows).toHaveLength(1);
    }, 30_000);

    it('voids the subscription of a revoked token: nothing is sent, and the subscription goes', async () => {
      const heidi = await signUp(t);
      const ivan = await signUp(t);
      const app = await registerApp(t);
      const token = await appToken(t, heidi, 'read write follow push', app);
      const keys = appKeys();
      const created = await t
        .http()
        .post('/api/v1/push/subscription')
        .set('authorization', `Bearer ${token}`)
        .send({
          subscription: { endpoint: `${push.origin}/heidi`, keys: { p256dh: keys.p256dh, auth: keys.auth } },
          data: { alerts: { follow: true } },
        });
      await t.http().post('/oauth/revoke').send({ client_id: app.client_id, client_secret: app.client_secret, token });
      await t.gql(FOLLOW, { handle: heidi.username }, ivan.token);
      await until(async () => {
        const rows = await db.query<unknown[]>('SELECT 1 FROM web_push_subscriptions WHERE id = $1', [created.body.id]);
        return rows.length === 0 ? true : undefined;
      });
      expect(push.to('/heidi')).toHaveLength(0);
    });
  });
});

describe('Mastodon Web Push without private addresses', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'false' });
  });
  afterAll(() => t.close());

  it('refuses an endpoint on loopback, a private address or over http', async () => {
    const member = await signUp(t);
    const token = await appToken(t, member);
    const keys = appKeys();
    for (const [endpoint, error] of [
      ['https://127.0.0.1:8443/push', 'Validation failed: Endpoint is not on a public address'],
      ['https://[::1]/push', 'Validation failed: Endpoint is not on a public address'],
      ['https://10.1.2.3/push', 'Validation failed: Endpoint is not on a public address'],
      ['https://localhost/push', 'Validation failed: Endpoint is not on a public address'],
      ['http://push.example/push', 'Validation failed: Endpoint must be an https URL'],
    ]) {
      const res = await t
        .http()
        .post('/api/v1/push/subscription')
        .set('authorization', `Bearer ${token}`)
        .send({ subscription: { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } } });
      expect({ endpoint, status: res.status, body: res.body }).toEqual({ endpoint, status: 422, body: { error } });
    }
  });
});
