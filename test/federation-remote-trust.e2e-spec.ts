import { ConfigService, queueConnection, RateLimiterService } from '@guildhall/core';
import { Queue, type QueueOptions } from 'bullmq';
import { DataSource } from 'typeorm';
import { drained, eventually } from './utils/eventually';
import { signUp, type SignedUp } from './utils/factories';
import { startPeer, trustCertificateInThisProcess, type Peer } from './utils/peer';
import { createListeningTestApp, type GraphqlError, type TestApp } from './utils/test-app';

const ACCOUNT = 'query($handle: String!) { account(handle: $handle) { handle } }';
const PURGE = 'purge { status accountsPurged }';
const BLOCK_DOMAIN = `mutation($domain: String!) { blockDomain(domain: $domain) { domain ${PURGE} } }`;
const DOMAIN_BLOCKS = `{ domainBlocks { domain ${PURGE} } }`;
/** RATE_LIMIT_REMOTE_LOOKUPS for this app: small enough to reach. */
const PER_MINUTE = 8;

/**
 * What this server believes of remote servers (ADR 0018): a WebFinger answer pointing at another
 * domain's actor is confirmed by that actor's own domain before a handle is stored; remote
 * usernames are Mastodon's; remote lookups are bounded per request and per client address; a
 * handle's host is a host. Two independent loopback peers: `honest` and `attacker`.
 */
describe('federation: trusting remote answers', () => {
  let honest: Peer;
  let attacker: Peer;
  let t: TestApp & { origin: string };
  let db: DataSource;
  let queues: Queue[];
  let moderator: SignedUp;
  let alice: SignedUp;

  const urisLike = async (uri: string) =>
    db.query<{ username: string; domain: string }[]>(
      'SELECT username, domain FROM accounts WHERE uri = $1 ORDER BY username',
      [uri],
    );
  const account = (handle: string) => t.gql<{ account: { handle: string } | null }>(ACCOUNT, { handle });
  const codes = (errors: GraphqlError[] | undefined) =>
    (errors ?? []).map((error) => `${error.extensions.code}/${error.extensions.reason}`);
  const resetClientLimit = () => t.app.get(RateLimiterService).reset('remote-lookup:ip:127.0.0.1');

  beforeAll(async () => {
    [honest, attacker] = await Promise.all([startPeer(), startPeer()]);
    trustCertificateInThisProcess(honest.caCertPath);
    trustCertificateInThisProcess(attacker.caCertPath);
    t = await createListeningTestApp(
      { FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true', RATE_LIMIT_REMOTE_LOOKUPS: String(PER_MINUTE) },
      { withWorker: true },
    );
    db = t.app.get(DataSource);
    const connection = queueConnection(t.app.get(ConfigService)) as unknown as QueueOptions;
    queues = [new Queue('federation', connection), new Queue('federation-outbound', connection)];
    [moderator, alice] = await Promise.all([signUp(t), signUp(t)]);
    await db.query(`UPDATE users SET role = 'moderator' WHERE account_id = $1`, [moderator.account.id]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all((queues ?? []).map((queue) => queue.close()));
    await t?.close();
    await Promise.all([honest?.stop(), attacker?.stop()]);
  });

  beforeEach(() => resetClientLimit());

  describe('WebFinger answers are confirmed by the actor domain', () => {
    it('stores x@attacker pointing at an honest actor under the honest handle, so blocking the attacker spares it', async () => {
      const mira = await honest.createActor({ username: 'mira' });
      await attacker.overrideWebFinger({ username: 'victim', href: mira.id });

      const res = await account(`victim@${attacker.handleHost}`);

      expect(res.errors).toBeUndefined();
      expect(res.data?.account).toEqual({ handle: `mira@${honest.handleHost}` });
      expect(await urisLike(mira.id)).toEqual([{ username: 'mira', domain: honest.handleHost }]);

      const block = await t.gql<{ blockDomain: { domain: string } }>(
        BLOCK_DOMAIN,
        { domain: attacker.handleHost },
        moderator.token,
      );
      expect(block.data?.blockDomain.domain).toBe(attacker.handleHost);
      await eventually(
        async () =>
          (
            await t.gql<{ domainBlocks: { domain: string; purge: { status: string } }[] }>(
              DOMAIN_BLOCKS,
              {},
              moderator.token,
            )
          ).data?.domainBlocks.find((b) => b.domain === attacker.handleHost)?.purge,
        (purge) => expect(purge).toEqual({ status: 'DONE', accountsPurged: 0 }),
      );
      expect(await urisLike(mira.id)).toEqual([{ username: 'mira', domain: honest.handleHost }]);
      await t.gql(
        'mutation($domain: String!) { unblockDomain(domain: $domain) }',
        { domain: attacker.handleHost },
        moderator.token,
      );
    });

    it('refuses an answer the actor domain does not confirm, storing nothing', async () => {
      const nell = await honest.createActor({ username: 'nell' });
      await attacker.overrideWebFinger({ username: 'victim2', href: nell.id });
      await honest.overrideWebFinger({ username: 'nell', href: null });

      const res = await account(`victim2@${attacker.handleHost}`);

      expect(res.errors).toBeUndefined();
      expect(res.data?.account).toBeNull();
      expect(await urisLike(nell.id)).toEqual([]);
      await honest.overrideWebFinger({ username: 'nell' });
    });

    it('still resolves a peer whose handle domain (https port) differs from its actor host (http port)', async () => {
      const olga = await honest.createActor({ username: 'olga' });

      const res = await account(`OLGA@${honest.handleHost.toUpperCase().replace(':', '.:')}`);

      expect(res.data?.account).toEqual({ handle: `olga@${honest.handleHost}` });
      expect(await urisLike(olga.id)).toEqual([{ username: 'olga', domain: honest.handleHost }]);
    });
  });

  describe('remote usernames', () => {
    it.each([
      ['an @', 'admin@guildhall.test'],
      ['a right-to-left override', 'bob\u202Egnp.exe'],
      ['a space', 'bob smith'],
      ['a leading dot', '.bob'],
      ['65 characters', 'b'.repeat(65)],
    ])('refuses a preferredUsername with %s, looked up by handle', async (_what, preferredUsername) => {
      const username = `u${Math.random().toString(36).slice(2, 8)}`;
      const actor = await honest.createActor({ username, preferredUsername });

      const res = await account(`${username}@${honest.handleHost}`);

      expect(res.data?.account).toBeNull();
      expect(await urisLike(actor.id)).toEqual([]);
    });

    it('refuses an actor with such a username arriving in the inbox: its Follow is ignored, nothing stored', async () => {
      const bad = await honest.createActor({
        username: 'spoofer',
        preferredUsername: `${alice.username}@guildhall.test`,
      });
      const good = await honest.createActor({ username: 'Fine.Name_1' });
      const target = `${t.origin}/users/${alice.username}`;

      await honest.follow({ actor: 'spoofer', target });
      await honest.follow({ actor: 'Fine.Name_1', target });
      await drained(queues);

      expect(await urisLike(bad.id)).toEqual([]);
      expect(await urisLike(good.id)).toEqual([{ username: 'fine.name_1', domain: new URL(good.id).host }]);
      const followers = await db.query<{ uri: string }[]>(
        `SELECT a.uri FROM follows f JOIN accounts a ON a.id = f.follower_id WHERE f.followee_id = $1`,
        [alice.account.id],
      );
      expect(followers.map((row) => row.uri)).toEqual([good.id]);
    });
  });

  describe('remote lookups are bounded', () => {
    it('looks up at most 3 unknown remote accounts per request; the rest are TOO_MANY_REMOTE_LOOKUPS', async () => {
      const fields = Array.from(
        { length: 6 },
        (_, i) => `a${i}: account(handle: "nobody${i}@${honest.handleHost}") { handle }`,
      );
      const res = await t.gql<Record<string, null>>(`{ ${fields.join(' ')} }`);

      expect(res.data).toEqual({ a0: null, a1: null, a2: null, a3: null, a4: null, a5: null });
      expect(codes(res.errors)).toEqual(Array(3).fill('BAD_USER_INPUT/TOO_MANY_REMOTE_LOOKUPS'));
    });

    it('does not count accounts already known here', async () => {
      const fields = Array.from(
        { length: 6 },
        (_, i) => `a${i}: account(handle: "mira@${honest.handleHost}") { handle }`,
      );
      const res = await t.gql<Record<string, { handle: string }>>(`{ ${fields.join(' ')} }`);

      expect(res.errors).toBeUndefined();
      expect(Object.values(res.data ?? {}).map((a) => a.handle)).toEqual(Array(6).fill(`mira@${honest.handleHost}`));
    });

    it(`allows ${PER_MINUTE} lookups a minute per client address, then RATE_LIMITED with the seconds to wait`, async () => {
      for (let i = 0; i < PER_MINUTE; i++) {
        const res = await account(`nobody-rl${i}@${honest.handleHost}`);
        expect({ i, errors: res.errors }).toEqual({ i, errors: undefined });
      }
      const refused = await account(`nobody-rl-last@${honest.handleHost}`);

      expect(codes(refused.errors)).toEqual(['RATE_LIMITED/RATE_LIMITED']);
      expect(refused.errors?.[0].extensions.retryAfterSeconds).toBeGreaterThan(0);
      expect(refused.errors?.[0].extensions.retryAfterSeconds).toBeLessThanOrEqual(60);
    });

    it.each([
      ['a path', 'x@evil.example/path'],
      ['a query', 'x@evil.example?q=1'],
      ['a fragment', 'x@evil.example#f'],
      ['an empty label', 'x@evil..example'],
      ['a port out of range', 'x@evil.example:99999'],
      ['a percent escape', 'x@evil%2eexample'],
    ])('refuses a handle whose host has %s with INVALID_HANDLE, looking nothing up', async (_what, handle) => {
      const res = await account(handle);

      expect(res.data?.account ?? null).toBeNull();
      expect(codes(res.errors)).toEqual(['BAD_USER_INPUT/INVALID_HANDLE']);
    });

    it('never looks a remote handle up for the /@user@host page', async () => {
      const pia = await honest.createActor({ username: 'pia' });

      const res = await t.http().get(`/@pia@${honest.handleHost}`).set('accept', 'text/html');

      expect(res.status).toBe(404);
      expect(await urisLike(pia.id)).toEqual([]);
    });
  });
});
