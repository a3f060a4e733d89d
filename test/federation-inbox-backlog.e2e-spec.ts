import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigService, queueConnection } from '@guildhall/core';
import { FederationService } from '@guildhall/federation';
import { Queue, type QueueOptions } from 'bullmq';
import { DataSource } from 'typeorm';
import { InboxBacklog } from '../libs/federation/src/http/inbox-backlog';
import { signUp, type SignedUp } from './utils/factories';
import { startPeer, trustCertificateInThisProcess, type Peer } from './utils/peer';
import { createListeningTestApp, type TestApp } from './utils/test-app';

const AS = 'https://www.w3.org/ns/activitystreams';
const BACKLOG = 3;
/** Longer than the door's refresh of the queue depth (250 ms). */
const REFRESH_WAIT_MS = 400;

/**
 * The door's backpressure (ADR 0057): while more than FEDERATION_INBOX_BACKLOG federation jobs wait,
 * a signed inbox POST is answered 503 with Retry-After and nothing is enqueued or stored; once the
 * backlog is worked off the same POST is accepted. No worker runs here, so enqueued jobs stay waiting.
 */
describe('federation inbox: backlog', () => {
  let peer: Peer;
  let t: TestApp & { origin: string };
  let db: DataSource;
  let queue: Queue;
  let alice: SignedUp;
  let postUri: string;
  let postId: string;

  const waiting = async () => (await queue.getJobCounts('waiting')).waiting ?? 0;
  /** Likes of this suite's post (the run's database is shared with other suites). */
  const likes = async () =>
    (await db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM likes WHERE post_id = $1', [postId]))[0].n;
  const like = (actor: string) =>
    JSON.stringify({
      '@context': AS,
      id: `${peer.httpOrigin}/likes/${randomUUID()}`,
      type: 'Like',
      actor,
      object: postUri,
    });
  /** Lets the door read the queue's depth anew. */
  async function refreshed(): Promise<void> {
    t.app.get(InboxBacklog).refusal();
    await sleep(REFRESH_WAIT_MS);
    t.app.get(InboxBacklog).refusal();
    await sleep(REFRESH_WAIT_MS);
  }

  beforeAll(async () => {
    peer = await startPeer();
    trustCertificateInThisProcess(peer.caCertPath);
    t = await createListeningTestApp({
      FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true',
      FEDERATION_INBOX_BACKLOG: String(BACKLOG),
    });
    db = t.app.get(DataSource);
    queue = new Queue('federation', queueConnection(t.app.get(ConfigService)) as unknown as QueueOptions);
    alice = await signUp(t);
    const created = await t.gql<{ createPost: { id: string; uri: string } }>(
      'mutation { createPost(input: { content: "Busy day" }) { id uri } }',
      {},
      alice.token,
    );
    postUri = created.data!.createPost.uri;
    postId = created.data!.createPost.id;
  }, 60_000);

  afterAll(async () => {
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    await t?.close();
    await peer?.stop();
  });

  it('answers 503 with Retry-After past the backlog, enqueues nothing, and accepts again once it is worked off', async () => {
    const mallory = await peer.createActor({ username: `mallory${randomUUID().slice(0, 8)}` });
    await queue.drain(true);
    // Under the limit: accepted and enqueued (no worker takes it).
    await refreshed();
    const first = await peer.rawPost({
      url: `${t.origin}/inbox`,
      body: like(mallory.id),
      sign: { actor: mallory.username },
    });
    expect(first.status).toBe(202);
    expect(await waiting()).toBe(1);

    // Over it: four jobs wait (more than 3).
    await t.app
      .get(FederationService)
      .queue.enqueueMany(Array.from({ length: BACKLOG }, () => ({ type: 'noop-for-backlog-test', id: randomUUID() })));
    expect(await waiting()).toBe(BACKLOG + 1);
    await refreshed();
    const refused = await peer.rawPost({
      url: `${t.origin}/inbox`,
      body: like(mallory.id),
      sign: { actor: mallory.username },
    });
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('30');
    expect(refused.body).toBe('This server is catching up with the activities it received: try again later');
    expect(await waiting()).toBe(BACKLOG + 1);
    expect(await likes()).toBe(0);
    // The rest of the server answers as usual.
    expect((await t.http().get('/health')).status).toBe(200);

    // Worked off: the next POST is accepted.
    await queue.drain(true);
    await refreshed();
    const again = await peer.rawPost({
      url: `${t.origin}/inbox`,
      body: like(mallory.id),
      sign: { actor: mallory.username },
    });
    expect(again.status).toBe(202);
    expect(await waiting()).toBe(1);
  });
});
