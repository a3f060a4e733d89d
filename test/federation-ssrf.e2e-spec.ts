import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { eventually } from './utils/eventually';
import { SIGN_UP } from './utils/factories';
import { freePort } from './utils/instance';
import { cleanEnv, start } from './utils/spawn';
import { testEnv, uniqueName } from './utils/test-app';

/**
 * Finding 2 (SSRF): with private addresses disallowed (the default), a remote actor whose inbox
 * is a loopback address follows a member, and our Accept must not be POSTed there. Fedify's
 * sendActivity sends the Accept with the global fetch, so the built server runs in its own
 * process (Jest's realm has its own global dispatcher) with its worker. The actors cannot be
 * fetched from loopback either: their accounts and keys are stored as a first fetch would have.
 */
describe('outbound requests never reach private addresses (built server, e2e)', () => {
  let db: Client;
  let dataDir: string;
  let server: ReturnType<typeof start> | undefined;
  let origin: string;
  let listener: Server;
  let listenerPort: number;
  const hits: string[] = [];
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

  const gql = async (query: string, variables: object) => {
    const res = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  };

  /** A remote actor as a fetch would have cached it: its account (fresh) and its key (Fedify's cache). */
  const remoteActor = async (host: string, inbox: string) => {
    const id = `https://${host}/users/mallory`;
    await db.query(
      `INSERT INTO accounts (username, domain, uri, url, inbox_url, actor_type, last_fetched_at)
       VALUES ('mallory', $1, $2, $2, $3, 'Person', now())`,
      [host, id, inbox],
    );
    const keyId = `${id}#main-key`;
    await db.query('INSERT INTO federation_kv (key, value) VALUES ($1, $2)', [
      JSON.stringify(['_fedify', 'publicKey', keyId]),
      JSON.stringify({
        '@context': 'https://w3id.org/security/v1',
        id: keyId,
        type: 'CryptographicKey',
        owner: id,
        publicKeyPem,
      }),
    ]);
    return { id, keyId };
  };

  /** POSTs a Follow of `username` by `actor` to the shared inbox, signed (draft-cavage) with its key. */
  const follow = async (actor: { id: string; keyId: string }, username: string) => {
    const body = JSON.stringify({
      '@context': 'https://www.w3.org/ns/activitystreams',
      id: `${actor.id}#follows/${uniqueName('f')}`,
      type: 'Follow',
      actor: actor.id,
      object: `${origin}/users/${username}`,
    });
    const headers: Record<string, string> = {
      host: new URL(origin).host,
      date: new Date().toUTCString(),
      digest: `SHA-256=${createHash('sha256').update(body).digest('base64')}`,
      'content-type': 'application/activity+json',
    };
    const text = [
      '(request-target): post /inbox',
      `host: ${headers.host}`,
      `date: ${headers.date}`,
      `digest: ${headers.digest}`,
    ].join('\n');
    const signature = sign('sha256', Buffer.from(text), privateKey).toString('base64');
    headers.signature = `keyId="${actor.keyId}",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="${signature}"`;
    const { host: _host, ...sent } = headers;
    return fetch(`${origin}/inbox`, { method: 'POST', headers: sent, body });
  };

  const hostRecord = async (host: string) =>
    (await db.query<{ last_error: string | null }>('SELECT last_error FROM federation_hosts WHERE host = $1', [host]))
      .rows[0];

  beforeAll(async () => {
    listener = createServer((request, response) => {
      hits.push(`${request.method} ${request.headers.host}${request.url}`);
      response.writeHead(202).end();
    });
    // Both families: `localhost` may resolve to ::1 first.
    await new Promise<void>((resolve) => listener.listen(0, '::', resolve));
    listenerPort = (listener.address() as AddressInfo).port;

    db = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await db.connect();
    dataDir = mkdtempSync(join(tmpdir(), 'guildhall-ssrf-'));
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    const { LOG_LEVEL: _silent, ...base } = testEnv({
      DATA_DIR: dataDir,
      PORT: String(port),
      PUBLIC_ORIGIN: origin,
      FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'false',
    });
    server = start(['dist/apps/server/main.js', '--with-worker'], cleanEnv(base));
    await eventually(
      () =>
        fetch(`${origin}/health`).then(
          (res) => res.ok,
          () => false,
        ),
      (ok) => expect(ok).toBe(true),
      45_000,
    );
  }, 60_000);

  afterAll(async () => {
    server?.child.kill('SIGTERM');
    if (server) await new Promise((resolve) => server!.child.once('exit', resolve));
    await db?.end();
    await new Promise<void>((resolve) => listener.close(() => resolve()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each([
    ['an IP literal', '127.0.0.1', 'loopback address 127.0.0.1'],
    ['a name resolving to loopback', 'localhost', '(localhost)'],
  ])(
    'sends no Accept to an inbox at %s: the connection is refused and recorded as the host failure',
    async (_what, inboxHost, reason) => {
      const username = uniqueName('m');
      const signed = await gql(SIGN_UP, {
        input: { username, email: `${username}@example.org`, password: 'correct horse battery staple' },
      });
      expect(signed.errors).toBeUndefined();
      const inbox = `http://${inboxHost}:${listenerPort}/inbox`;
      const actor = await remoteActor(`${uniqueName('evil').replace(/_/g, '-')}.example`, inbox);

      const res = await follow(actor, username);
      expect({ status: res.status, body: await res.text() }).toEqual({ status: 202, body: 'Activity is enqueued.' });

      // The Follow is recorded (the worker ran the handler), then the Accept is attempted.
      await eventually(
        async () =>
          (
            await db.query<{ state: string }>(
              `SELECT f.state FROM follows f JOIN accounts a ON a.id = f.follower_id WHERE a.uri = $1`,
              [actor.id],
            )
          ).rows,
        (rows) => expect(rows).toEqual([{ state: 'accepted' }]),
      );
      const host = `${inboxHost}:${listenerPort}`;
      await eventually(
        async () => ({ hits: hits.length, record: await hostRecord(host) }),
        (seen) => expect(seen.hits > 0 || seen.record !== undefined).toBe(true),
        30_000,
      );

      expect(hits).toEqual([]);
      expect((await hostRecord(host))?.last_error).toContain(`refusing to connect to`);
      expect((await hostRecord(host))?.last_error).toContain(reason);
    },
    60_000,
  );
});
