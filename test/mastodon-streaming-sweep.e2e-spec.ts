import { DataSource } from 'typeorm';
import { WebSocket } from 'ws';
import { signUp, type SignedUp } from './utils/factories';
import { insertFollow } from './utils/graph';
import { appToken } from './utils/mastodon';
import { createListeningTestApp, type TestApp } from './utils/test-app';

/** The session sweep's query (SessionRepository.liveIds), as pg_stat_activity shows it. */
const SWEEP_QUERY = '%WHERE id = ANY($1::uuid[]) AND revoked_at IS NULL%';

interface Stream {
  ws: WebSocket;
  messages: { event: string; payload?: string }[];
  /** Resolves with the close code. */
  closed: Promise<number>;
}

/** Every socket a test opened: ended before the app closes, whatever the test's outcome. */
const opened: WebSocket[] = [];

async function openStream(url: string): Promise<Stream> {
  const ws = new WebSocket(url);
  opened.push(ws);
  const messages: Stream['messages'] = [];
  ws.on('message', (data) => messages.push(JSON.parse((data as Buffer).toString('utf8')) as Stream['messages'][0]));
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, messages, closed };
}

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const pause = (ms: number) => new Promise<string>((resolve) => setTimeout(() => resolve('still open'), ms));

/**
 * The streaming hub's session sweep (every 2 s) asks which of its connections' sessions are still
 * live and closes the others. A socket accepted while that query runs was not asked about: it must
 * not be closed for being missing from the answer (ADR 0062). The query is held for certain by
 * locking the sessions table; the new socket authenticates from the session cache meanwhile.
 */
describe('Mastodon streaming: the session sweep', () => {
  let t: TestApp & { origin: string };
  let alice: SignedUp;
  let bob: SignedUp;
  let aliceToken: string;
  let lateToken: string;
  let bobToken: string;
  let db: DataSource;

  beforeAll(async () => {
    // A cached session lets the socket opened during the lock authenticate without reading `sessions`.
    t = await createListeningTestApp({ SESSION_CACHE_TTL_SECONDS: '60' });
    db = t.app.get(DataSource);
    [alice, bob] = await Promise.all([signUp(t), signUp(t)]);
    [aliceToken, lateToken, bobToken] = await Promise.all([
      appToken(t, alice, 'read write'),
      appToken(t, alice, 'read write'),
      appToken(t, bob, 'read write'),
    ]);
    await insertFollow(t, alice.account.id, bob.account.id);
  });
  afterAll(async () => {
    for (const ws of opened) ws.terminate();
    await t.close();
  });

  it('keeps a socket accepted while a sweep query was running, and it receives the next post', async () => {
    const url = (token: string) =>
      `${t.origin.replace('http', 'ws')}/api/v1/streaming?stream=user&access_token=${token}`;
    // The first lookup subscribes to evictions; the later ones remember the late socket's token.
    for (let i = 0; i < 3; i++) {
      const res = await t.http().get('/api/v1/accounts/verify_credentials').set('authorization', `Bearer ${lateToken}`);
      expect(res.status).toBe(200);
    }
    const before = await openStream(url(aliceToken));

    const lock = db.createQueryRunner();
    await lock.connect();
    let late: Stream;
    try {
      await lock.startTransaction();
      await lock.query('LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE');
      // The next sweep (within 2 s) waits on the lock, having asked about `before`'s session only
      // (watched from outside the lock's transaction, which sees one snapshot of pg_stat_activity).
      await until(async () => {
        const rows = await db.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE $1`,
          [SWEEP_QUERY],
        );
        return rows[0].n > 0 ? true : undefined;
      });
      // Another session of the same member: the waiting sweep did not ask about it.
      late = await openStream(url(lateToken));
    } finally {
      await lock.rollbackTransaction();
      await lock.release();
    }

    // That sweep answers, and another one after it: both sockets are still open.
    expect(await Promise.race([late.closed, before.closed, pause(4500)])).toBe('still open');
    expect([before.ws.readyState, late.ws.readyState]).toEqual([WebSocket.OPEN, WebSocket.OPEN]);

    const res = await fetch(`${t.origin}/api/v1/statuses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bobToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'after the sweep', visibility: 'public' }),
    });
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: string };
    for (const s of [before, late]) {
      const update = await until(() => s.messages.find((m) => m.event === 'update'));
      expect((JSON.parse(update.payload!) as { id: string }).id).toBe(id);
    }
  });
});
