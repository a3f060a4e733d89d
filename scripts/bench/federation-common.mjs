// What the federation benchmarks (scripts/bench-inbox.mjs, scripts/bench-fanout.mjs) share on top
// of common.mjs: draft-cavage HTTP signatures made and checked with node:crypto (the floors both
// benchmarks compare against), RSA-2048 actors as a loopback "remote server" would publish them,
// the worker process, the federation queue's depth, CPU time per process (server, worker,
// PostgreSQL, Redis, this process) over a window, and a V8 CPU profile of a child through its
// inspector (NODE_OPTIONS=--inspect on a port of ours; connected only while profiling).
import { createHash, createPublicKey, generateKeyPair, sign, verify, webcrypto } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { REDIS_URL, round, spawnServer, stopServer, withClient } from './common.mjs';

export const AS_CONTEXT = 'https://www.w3.org/ns/activitystreams';
export const SECURITY_CONTEXT = 'https://w3id.org/security/v1';
export const ACTIVITY_JSON = 'application/activity+json';
/** What Mastodon and Fedify sign on a POST. */
export const POST_SIGNED_HEADERS = ['(request-target)', 'host', 'date', 'digest', 'content-type'];

/** The queue Fedify's messages (inbox, fan-out, deliveries) go through (FEDERATION_QUEUE). */
const FEDERATION_QUEUE = 'federation';

const generateKeyPairAsync = promisify(generateKeyPair);

/** An RSA-2048 key pair: PEMs (SPKI public, PKCS#8 private) and the parsed KeyObjects. */
export async function rsaKeyPair() {
  const { publicKey, privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
  return {
    publicKey,
    privateKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }),
  };
}

/** A Person as Mastodon publishes it (the fields Fedify needs to verify and to deliver). */
export function personDocument({ id, username, inbox, sharedInbox, publicKeyPem }) {
  return {
    '@context': [AS_CONTEXT, SECURITY_CONTEXT],
    id,
    type: 'Person',
    preferredUsername: username,
    name: username,
    inbox,
    outbox: `${id}/outbox`,
    followers: `${id}/followers`,
    following: `${id}/following`,
    url: id,
    manuallyApprovesFollowers: false,
    discoverable: true,
    endpoints: { sharedInbox },
    ...(publicKeyPem ? { publicKey: { id: `${id}#main-key`, owner: id, publicKeyPem } } : {}),
  };
}

/** `SHA-256=<base64>` of the body (the draft-cavage Digest header). */
export const digestOf = (body) => `SHA-256=${createHash('sha256').update(body).digest('base64')}`;

/** The draft-cavage signing string of a request: `name: value` lines for `names`. */
export function signingString(names, { method, path, headers }) {
  return names
    .map((name) =>
      name === '(request-target)' ? `${name}: ${method.toLowerCase()} ${path}` : `${name}: ${headers[name]}`,
    )
    .join('\n');
}

/**
 * The headers of a POST of `body` to `http://<host><path>` signed draft-cavage (rsa-sha256) over
 * `(request-target) host date digest content-type`, as Mastodon sends them.
 */
export function signedPostHeaders({ host, path, body, keyId, privateKey, date = new Date().toUTCString() }) {
  const headers = { host, date, digest: digestOf(body), 'content-type': ACTIVITY_JSON };
  const signature = sign(
    'sha256',
    Buffer.from(signingString(POST_SIGNED_HEADERS, { method: 'POST', path, headers })),
    privateKey,
  );
  return {
    ...headers,
    signature:
      `keyId="${keyId}",algorithm="rsa-sha256",headers="${POST_SIGNED_HEADERS.join(' ')}",` +
      `signature="${signature.toString('base64')}"`,
  };
}

/** `key="value", key2=value2` (draft-cavage Signature header) → object. */
export function parseSignatureHeader(header) {
  const params = {};
  for (const match of header.matchAll(/([a-zA-Z]+)="([^"]*)"/g)) params[match[1]] = match[2];
  return params;
}

/**
 * Checks a draft-cavage signed POST with node:crypto: the digest against the body bytes, then the
 * RSA-SHA256 signature with `keyFor(keyId)` (a KeyObject; undefined = unknown key). Returns
 * { ok, reason?, keyId }.
 */
export function verifySignedPost({ method, path, headers, body }, keyFor) {
  const header = headers.signature;
  if (typeof header !== 'string') return { ok: false, reason: 'no Signature header' };
  const params = parseSignatureHeader(header);
  const names = (params.headers ?? 'date').split(/\s+/);
  if (typeof headers.digest === 'string') {
    if (headers.digest !== digestOf(body)) return { ok: false, reason: 'digest mismatch', keyId: params.keyId };
  } else if (names.includes('digest')) {
    return { ok: false, reason: 'digest signed but missing', keyId: params.keyId };
  }
  const key = keyFor(params.keyId);
  if (!key) return { ok: false, reason: `unknown key ${params.keyId}`, keyId: params.keyId };
  const ok = verify(
    'sha256',
    Buffer.from(signingString(names, { method, path, headers })),
    key,
    Buffer.from(params.signature ?? '', 'base64'),
  );
  return ok ? { ok, keyId: params.keyId, signed: names } : { ok, reason: 'bad signature', keyId: params.keyId };
}

/**
 * Runs `fn` for at least `minMs` and `minIterations`; resolves with the iterations per second of
 * wall time and the CPU µs per iteration (this process; robust to other load on the machine).
 */
export function ratePerSecond(fn, { minMs = 2_000, minIterations = 200 } = {}) {
  let n = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < minMs || n < minIterations) {
    fn(n++);
    if ((n & 15) === 0) elapsed = performance.now() - started;
  }
  elapsed = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    iterations: n,
    ms: round(elapsed),
    perSec: round((n * 1000) / elapsed),
    cpuMicrosPerIteration: round((cpu.user + cpu.system) / n, 1),
  };
}

/** Like ratePerSecond for an async `fn`, keeping `parallelism` calls in flight. */
export async function asyncRatePerSecond(fn, { parallelism, minMs = 2_000 }) {
  let n = 0;
  const started = performance.now();
  const lane = async () => {
    while (performance.now() - started < minMs) await fn(n++);
  };
  await Promise.all(Array.from({ length: parallelism }, lane));
  const elapsed = performance.now() - started;
  return { iterations: n, ms: round(elapsed), perSec: round((n * 1000) / elapsed), parallelism };
}

/** An RSA private KeyObject as a WebCrypto RSASSA-PKCS1-v1_5/SHA-256 CryptoKey (what Fedify signs with). */
export const webCryptoPrivateKey = (privateKeyPem) =>
  webcrypto.subtle.importKey(
    'pkcs8',
    createPrivateKeyDer(privateKeyPem),
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    false,
    ['sign'],
  );

export const webCryptoPublicKey = (publicKeyPem) =>
  webcrypto.subtle.importKey(
    'spki',
    createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' }),
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    false,
    ['verify'],
  );

function createPrivateKeyDer(pem) {
  const base64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return Buffer.from(base64, 'base64');
}

/** Percentiles (nearest rank) of a list of milliseconds, rounded. */
export function latencyFigures(values) {
  if (values.length === 0) return { p50Ms: null, p90Ms: null, p99Ms: null, maxMs: null, meanMs: null };
  const sorted = Float64Array.from(values).sort();
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return {
    p50Ms: round(at(50), 2),
    p90Ms: round(at(90), 2),
    p99Ms: round(at(99), 2),
    maxMs: round(sorted[sorted.length - 1], 2),
    meanMs: round(mean, 2),
  };
}

/** Spawns the worker, `script` = dist/apps/worker/main.js of the build (Fedify's queue runner, the job processors). */
export function spawnWorker(script, env, problems) {
  return spawnServer(script, [], env, { problems, label: 'worker', tagProblems: true });
}

/** SIGTERM the worker and wait (SIGKILL after `timeoutMs`). */
export const stopWorker = (child, timeoutMs, log) => stopServer(child, timeoutMs, log);

/**
 * Resolves with the ms until a worker listens on `queue` (BullMQ's CLIENT LIST of the queue's
 * workers; the worker's own "started" line is at info level, below LOG_LEVEL=warn), or null when
 * the child exits or `timeoutMs` passes first.
 */
export async function workerListening(child, queue, timeoutMs) {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (child.exitCode !== null || child.signalCode !== null) return null;
    if ((await queue.getWorkersCount()) > 0) return Math.round(performance.now() - started);
    await sleep(50);
  }
  return null;
}

/** A queue of a run (its QUEUE_PREFIX; Fedify's by default), for counting jobs; close() when done. */
export function federationQueue(prefix, name = FEDERATION_QUEUE) {
  const url = new URL(REDIS_URL);
  return new Queue(name, {
    connection: { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null },
    prefix,
  });
}

/** PostgreSQL publishes an idle backend's counters up to 10 s late (PGSTAT_IDLE_INTERVAL). */
export const PG_STATS_DELAY_MS = 11_000;

/** Committed + rolled back transactions of a database so far (pg_stat_database). */
export const postgresTransactions = (databaseUrl) =>
  withClient(databaseUrl, async (client) => {
    const { rows } = await client.query(
      'SELECT (xact_commit + xact_rollback)::bigint AS n FROM pg_stat_database WHERE datname = current_database()',
    );
    return Number(rows[0].n);
  });

/** { waiting, active, delayed, prioritized, completed, failed } of the federation queue. */
export async function queueCounts(queue) {
  return queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed');
}

// ---------------------------------------------------------------------------------------------
// CPU time per process over a window (utime + stime from /proc, all threads included).

const CLOCK_TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

function cpuSecondsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND; // utime, stime
  } catch {
    return null;
  }
}

/** PIDs whose /proc/<pid>/comm is one of `names` (read-only scan of /proc). */
function pidsNamed(names) {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (names.includes(readFileSync(`/proc/${entry}/comm`, 'utf8').trim())) found.push(Number(entry));
    } catch {
      // gone
    }
  }
  return found;
}

function machineCpuSeconds() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = values[3] + (values[4] ?? 0);
  const total = values.reduce((a, b) => a + b, 0);
  return { busy: (total - idle) / CLOCK_TICKS_PER_SECOND, total: total / CLOCK_TICKS_PER_SECOND };
}

/**
 * Starts counting CPU seconds for `processes` ({ name: pid }), PostgreSQL (every `postgres`
 * process: all backends of the local server, ours and any other client's), Redis and this
 * process; `stop()` returns seconds per group and per wall second (1.0 = one core busy).
 */
export function cpuWindow(processes) {
  const groups = () => ({
    ...Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, pid ? [pid] : []])),
    postgres: pidsNamed(['postgres']),
    redis: pidsNamed(['redis-server']),
  });
  const snapshot = (byGroup) =>
    Object.fromEntries(
      Object.entries(byGroup).map(([name, pids]) => [name, new Map(pids.map((pid) => [pid, cpuSecondsOf(pid)]))]),
    );
  const started = performance.now();
  const startGroups = groups();
  const before = snapshot(startGroups);
  const benchBefore = process.cpuUsage();
  const machineBefore = machineCpuSeconds();
  return {
    stop() {
      const seconds = (performance.now() - started) / 1000;
      const nowGroups = groups();
      const result = {};
      for (const [name, pids] of Object.entries(nowGroups)) {
        let sum = 0;
        for (const pid of new Set([...pids, ...(startGroups[name] ?? [])])) {
          const end = cpuSecondsOf(pid);
          const begin = before[name]?.get(pid) ?? 0;
          if (end !== null) sum += end - (begin ?? 0);
        }
        result[name] = round(sum / seconds, 2);
      }
      const bench = process.cpuUsage(benchBefore);
      result.benchProcess = round((bench.user + bench.system) / 1e6 / seconds, 2);
      const machine = machineCpuSeconds();
      result.machineBusy = round((machine.busy - machineBefore.busy) / seconds, 2);
      const ours = Object.entries(result)
        .filter(([name]) => name !== 'machineBusy')
        .reduce((sum, [, value]) => sum + value, 0);
      result.everythingElse = round(Math.max(0, result.machineBusy - ours), 2);
      return { wallSeconds: round(seconds, 2), coresBusy: result };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// CPU profiles of a child through its inspector (NODE_OPTIONS=--inspect=127.0.0.1:<port>).

/** The inspector's and the shim's lines on a child's stderr are not problems of the app. */
export const isHarnessNoise = (line) =>
  /Debugger listening on|For help, see: https:\/\/nodejs.org|Debugger attached|Waiting for the debugger to disconnect|Debugger ending|bench shim: /.test(
    line,
  );

/** Whether federation-private-address-shim.mjs had to act in a child (its stderr line was seen). */
export const shimActed = (problems) =>
  problems.some((line) => line.includes('bench shim: dropped allowPrivateAddress'));

/**
 * The environment of a server or worker of the federation benchmarks: `env` plus NODE_OPTIONS
 * preloading federation-private-address-shim.mjs and, with `inspectPort`, the inspector on it.
 */
export function federationChildEnv(env, inspectPort) {
  const shim = fileURLToPath(new URL('./federation-private-address-shim.mjs', import.meta.url));
  const options = [env.NODE_OPTIONS ?? '', `--import=${shim}`, inspectPort ? `--inspect=127.0.0.1:${inspectPort}` : '']
    .filter(Boolean)
    .join(' ');
  return { ...env, NODE_OPTIONS: options };
}

/**
 * Connects to the inspector at 127.0.0.1:<port>; resolves with { start(intervalUs), stop() →
 * profile, close() }. Close it before stopping the child (an attached debugger holds the exit).
 */
export async function inspectorProfiler(port) {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const socket = new WebSocket(targets[0].webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', reject, { once: true });
  });
  let nextId = 1;
  const pending = new Map();
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data));
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(JSON.stringify(message.error)));
    else waiter.resolve(message.result);
  });
  const post = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method, params }));
    });
  return {
    async start(intervalUs = 500) {
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: intervalUs });
      await post('Profiler.start');
    },
    async stop() {
      const { profile } = await post('Profiler.stop');
      await post('Profiler.disable');
      return profile;
    },
    async close() {
      socket.close();
      await sleep(50);
    },
  };
}

/**
 * Which library each busy sample is spent for: the innermost frame from a library on the stack
 * (node internals are charged to the library that called them, e.g. socket writes to pg; WebCrypto
 * is its own line). Async stacks are cut at every await, so "inclusive" shares of a handler
 * undercount; this self-time view adds up to 100 %.
 */
const LIBRARIES = [
  ['pg + TypeORM (statements, results)', /node_modules\/(pg|pg-protocol|pg-pool|pg-types|typeorm)\//],
  ['jsonld (JSON-LD expansion)', /node_modules\/jsonld\//],
  ['Fedify vocab (object model, fromJsonLd/toJsonLd)', /node_modules\/@fedify\/(vocab|vocab-runtime)\//],
  [
    'Fedify (inbox handler, signatures, KV cache, queue, sending)',
    /node_modules\/@fedify\/(fedify|webfinger|uri-template)\//,
  ],
  ['PEM/ASN.1 parsing (pkijs, asn1js)', /node_modules\/(pkijs|asn1js|pvtsutils|pvutils)\//],
  ['ioredis + BullMQ', /node_modules\/(ioredis|bullmq|redis-parser|msgpackr|cluster-key-slot)\//],
  ['OpenTelemetry API (no-op spans)', /node_modules\/@opentelemetry\//],
  ['Temporal polyfill', /node_modules\/@js-temporal\//],
  ['Fastify + Nest', /node_modules\/(fastify|@fastify|find-my-way|light-my-request|avvio|@nestjs|rxjs)\//],
  ['undici (npm: fetch, outbound HTTP)', /node_modules\/undici\//],
  ['logging (pino, logtape)', /node_modules\/(pino|@logtape|sonic-boom)/],
  ['our code (dist/libs, dist/apps)', /\/dist\/(libs|apps)\//],
];

export function libraryShares(profile, top = 16) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const counts = new Map();
  let busy = 0;
  const add = (name) => counts.set(name, (counts.get(name) ?? 0) + 1);
  for (const id of profile.samples) {
    const leaf = nodes.get(id).callFrame;
    if (leaf.functionName === '(idle)') continue;
    busy++;
    if (leaf.functionName === '(garbage collector)' || leaf.functionName === '(program)') {
      add(leaf.functionName);
      continue;
    }
    let name;
    for (let cursor = id; cursor !== undefined && !name; cursor = parent.get(cursor)) {
      const { url } = nodes.get(cursor).callFrame;
      if (/^node:internal\/crypto/.test(url)) name = 'WebCrypto / node:crypto calls';
      else if (/^node:internal\/deps\/undici/.test(url)) name = 'Web Request/Response/Headers (undici in core)';
      else if (!url || url.startsWith('node:')) continue;
      else
        name =
          LIBRARIES.find(([, pattern]) => pattern.test(url))?.[0] ??
          `other: ${url
            .replace(/.*node_modules\//, '')
            .split('/')
            .slice(0, 2)
            .join('/')}`;
    }
    add(name ?? 'node internals only (event loop, http parser, streams)');
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, samples]) => ({ name, pct: Math.round((1000 * samples) / Math.max(busy, 1)) / 10 }));
}

/**
 * When jobs of `queue` were added, picked up and finished since `sinceMs` (wall clock), read after
 * the fact from BullMQ's events stream (its ids are Redis-server milliseconds, so nothing listens
 * during the measurement). Resolves with ms offsets from `sinceMs`: { jobs, firstAdded,
 * firstActive, firstCompleted, lastAdded, lastCompleted } (null when absent).
 */
export async function queueTimeline(queue, sinceMs) {
  const client = await (queue.client ?? queue.getBackend().client);
  const entries = await client.xrange(queue.keys.events, `${Math.floor(sinceMs)}-0`, '+');
  const first = {};
  const last = {};
  const jobs = new Set();
  for (const [id, fields] of entries) {
    const at = Number(id.split('-')[0]) - sinceMs;
    const event = fields[fields.indexOf('event') + 1];
    const jobId = fields[fields.indexOf('jobId') + 1];
    if (event === 'added') jobs.add(jobId);
    first[event] ??= at;
    last[event] = at;
  }
  return {
    jobs: jobs.size,
    firstAdded: first.added ?? null,
    lastAdded: last.added ?? null,
    firstActive: first.active ?? null,
    firstCompleted: first.completed ?? null,
    lastCompleted: last.completed ?? null,
  };
}
