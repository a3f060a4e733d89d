import { KeyObject, verify, webcrypto } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { type ConfigService, METRIC, Metrics } from '@guildhall/core';
import type { ActorKeyService } from '../keys/actor-key.service';
import type { RemoteActorService } from '../remote/remote-actor.service';
import { OutboundHttp } from '../safety/outbound-http';
import { DELIVERY_BATCH, type DeliveryPayload, MAX_DELIVERY_ATTEMPTS } from './delivery.job';
import { DeliveryService } from './delivery.service';
import type { FederationHostRepository } from './federation-host.repository';
import { HostHealth } from './host-health.service';

/** The configuration OutboundHttp reads. */
const outboundConfig = (options: { allowPrivateAddresses: boolean }) =>
  ({
    values: {
      publicOrigin: 'https://here.example',
      federationAllowPrivateAddresses: options.allowPrivateAddresses,
      federation: { timeoutMs: 60_000, maxBodyBytes: 1 << 20 },
    },
  }) as unknown as ConfigService;

/** A loopback inbox answering the status its path names (`/inbox/404`), recording what it got. */
async function startInbox() {
  const received: { path: string; headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString() });
      if (request.url?.endsWith('/hang')) return; // never answers
      response.writeHead(Number(/\/(\d{3})$/.exec(request.url ?? '')?.[1] ?? 202)).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('DeliveryService', () => {
  let inbox: Awaited<ReturnType<typeof startInbox>>;
  let pair: webcrypto.CryptoKeyPair;
  const added: { data: DeliveryPayload; opts: { delay?: number } }[] = [];
  const bulk: { data: DeliveryPayload }[][] = [];
  const failures: string[] = [];
  const alive: string[] = [];
  let allowPrivateAddresses = true;
  let timeoutMs = 5_000;

  const queue = {
    add: (_name: string, data: DeliveryPayload, opts: { delay?: number }) => {
      added.push({ data, opts });
      return Promise.resolve();
    },
    addBulk: (jobs: { data: DeliveryPayload }[]) => {
      bulk.push(jobs);
      return Promise.resolve();
    },
  } as unknown as Queue<DeliveryPayload>;
  const health = {
    alive: (host: string) => alive.push(host),
    failed: (host: string) => {
      failures.push(host);
      return Promise.resolve('failing');
    },
  } as unknown as HostHealth;
  const open = new OutboundHttp(outboundConfig({ allowPrivateAddresses: true }));
  const guarded = new OutboundHttp(outboundConfig({ allowPrivateAddresses: false }));
  const remote = {
    get http() {
      return allowPrivateAddresses ? open : guarded;
    },
    get policy() {
      return {
        allowPrivateAddresses,
        timeoutMs,
        maxBodyBytes: 1 << 20,
        userAgent: 'test',
        isBlocked: () => false,
      };
    },
  } as unknown as RemoteActorService;
  const keys = { keyPairs: () => Promise.resolve([pair]) } as unknown as ActorKeyService;
  let metrics = new Metrics();
  const service = () => new DeliveryService(queue, keys, health, remote, metrics);
  const deliveries = (outcome: string, hostState: string) =>
    metrics.sample(METRIC.federationDeliveries, { outcome, host_state: hostState });
  const job = (inboxes: string[], attempt = 0): DeliveryPayload => ({
    activityId: 'https://here.example/posts/1/activity',
    body: '{"type":"Create","content":"héllo"}',
    senderAccountId: 'a',
    keyId: 'https://here.example/users/a#main-key',
    inboxes,
    attempt,
  });

  beforeAll(async () => {
    Logger.overrideLogger(false);
    inbox = await startInbox();
    pair = await webcrypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    );
  });
  afterAll(async () => {
    Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose', 'fatal']);
    await inbox.close();
  });
  beforeEach(() => {
    added.length = bulk.length = failures.length = alive.length = inbox.received.length = 0;
    metrics = new Metrics();
    allowPrivateAddresses = true;
    timeoutMs = 5_000;
  });

  it('POSTs the body to every inbox of the job, each signed for its own target', async () => {
    const counts = await service().deliver(job([`${inbox.origin}/inbox`, `${inbox.origin}/users/b/inbox?x=1`]));

    expect(counts).toEqual({ delivered: 2, retry: 0, dropped: 0 });
    expect(inbox.received.map((r) => r.path).sort()).toEqual(['/inbox', '/users/b/inbox?x=1']);
    const publicKey = KeyObject.from(pair.publicKey);
    for (const { path, headers, body } of inbox.received) {
      expect(body).toBe('{"type":"Create","content":"héllo"}');
      const signature = /signature="([^"]+)"/.exec(String(headers.signature))![1];
      const signed = [
        `(request-target): post ${path}`,
        `host: ${String(headers.host)}`,
        `date: ${String(headers.date)}`,
        `digest: ${String(headers.digest)}`,
        `content-type: ${String(headers['content-type'])}`,
      ].join('\n');
      expect(verify('sha256', Buffer.from(signed), publicKey, Buffer.from(signature, 'base64'))).toBe(true);
    }
    expect(alive).toEqual([new URL(inbox.origin).host, new URL(inbox.origin).host]);
    expect(await deliveries('delivered', 'up')).toBe(2);
  });

  it('retries 5xx, 401, 408 and 429 alone after 15 s, doubling; drops other 4xx', async () => {
    const statuses = [500, 503, 401, 408, 429, 400, 403, 404, 410];
    const counts = await service().deliver(
      job(
        statuses.map((status) => `${inbox.origin}/inbox/${status}`),
        2,
      ),
    );

    expect(counts).toEqual({ delivered: 0, retry: 5, dropped: 4 });
    expect(added.map((a) => a.data.inboxes[0].slice(-3)).sort()).toEqual(['401', '408', '429', '500', '503']);
    expect(added.every((a) => a.data.inboxes.length === 1 && a.data.attempt === 3)).toBe(true);
    expect(added.every((a) => a.opts.delay === 60_000)).toBe(true);
    // Only a server's failure counts against its health, not our request's refusal.
    expect(failures).toHaveLength(2);
    expect(await deliveries('retry', 'failing')).toBe(2);
    expect(await deliveries('retry', 'up')).toBe(3);
    expect(await deliveries('dropped', 'up')).toBe(4);
  });

  it('aborts a POST left unanswered past the timeout and retries it, without holding the others', async () => {
    timeoutMs = 300;
    const started = Date.now();
    const counts = await service().deliver(job([`${inbox.origin}/inbox/hang`, `${inbox.origin}/inbox`]));

    expect(counts).toEqual({ delivered: 1, retry: 1, dropped: 0 });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(added.map((a) => a.data.inboxes)).toEqual([[`${inbox.origin}/inbox/hang`]]);
    expect(failures).toEqual([new URL(inbox.origin).host]);
  });

  it('gives up after the 16th attempt', async () => {
    const counts = await service().deliver(job([`${inbox.origin}/inbox/500`], MAX_DELIVERY_ATTEMPTS - 1));

    expect(counts).toEqual({ delivered: 0, retry: 0, dropped: 1 });
    expect(added).toHaveLength(0);
  });

  it('checks each inbox against the address policy before POSTing', async () => {
    allowPrivateAddresses = false;
    const counts = await service().deliver(job([`${inbox.origin}/inbox`, 'not a url']));

    expect(counts).toEqual({ delivered: 0, retry: 0, dropped: 2 });
    expect(inbox.received).toHaveLength(0);
    expect(await deliveries('dropped', 'refused')).toBe(2);
  });

  it('enqueues distinct inboxes in batches', async () => {
    const inboxes = Array.from({ length: DELIVERY_BATCH * 2 + 1 }, (_, i) => `https://h${i}.example/inbox`);
    await service().enqueue({ activityId: 'x', body: '{}', senderAccountId: 'a', keyId: 'k' }, [
      ...inboxes,
      inboxes[0],
    ]);

    expect(bulk).toHaveLength(1);
    expect(bulk[0].map((j) => j.data.inboxes.length)).toEqual([DELIVERY_BATCH, DELIVERY_BATCH, 1]);
    expect(bulk[0].flatMap((j) => j.data.inboxes)).toEqual(inboxes);
  });
});

describe('HostHealth', () => {
  const calls: string[] = [];
  let failureCount = 0;
  const repository = {
    markAvailableMany: (hosts: string[]) => {
      calls.push(`available ${hosts.join(',')}`);
      return Promise.resolve();
    },
    recordFailure: (host: string) => {
      calls.push(`failure ${host}`);
      return Promise.resolve(++failureCount);
    },
    markUnavailable: (host: string) => {
      calls.push(`unavailable ${host}`);
      return Promise.resolve();
    },
  } as unknown as FederationHostRepository;

  beforeEach(() => {
    calls.length = 0;
    failureCount = 0;
  });

  it('writes the hosts that proved alive together, once a minute at most per host', async () => {
    const health = new HostHealth(repository);
    for (const host of ['a.example', 'b.example', 'a.example']) health.alive(host);
    expect(calls).toEqual([]);
    await health.flush();
    health.alive('a.example');
    await health.flush();

    expect(calls).toEqual(['available a.example,b.example']);
  });

  it('writes a pending reset before a failure, and marks a host unavailable after 8 in a row', async () => {
    const health = new HostHealth(repository);
    health.alive('a.example');
    const states = [];
    for (let i = 0; i < 8; i++) states.push(await health.failed('a.example', 'HTTP 500'));
    await health.flush();
    expect(states).toEqual([...Array<string>(7).fill('failing'), 'unavailable']);

    expect(calls.slice(0, 2)).toEqual(['available a.example', 'failure a.example']);
    expect(calls.filter((call) => call.startsWith('failure'))).toHaveLength(8);
    expect(calls.at(-1)).toBe('unavailable a.example');
  });
});
