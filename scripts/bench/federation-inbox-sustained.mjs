// bench:inbox's end-to-end windows: the built server run as `npm start` runs it (one process,
// `--with-worker`), signed Likes fired at a fixed offered rate while the queue depth and the likes
// stored are sampled; sustained = every request accepted and the backlog (accepted, not yet
// stored) not growing. Used by
// scripts/bench-inbox.mjs after its door-only windows (same database, same remote actors).
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { round, withClient } from './common.mjs';
import { cpuWindow, queueCounts } from './federation-common.mjs';

const SAMPLE_MS = 500;
/** The queue may grow by at most this share of the offered rate per second and still count as not growing. */
const MAX_GROWTH_SHARE = 0.02;
const DRAIN_TIMEOUT_MS = 120_000;

const depthOf = (counts) => counts.waiting + counts.active + counts.delayed + counts.prioritized;
const likesStored = (client) => client.query('SELECT count(*)::int AS n FROM likes').then((result) => result.rows[0].n);

/** Least-squares slope of [t seconds, value] points (per second). */
function slope(points) {
  if (points.length < 2) return 0;
  const n = points.length;
  const mt = points.reduce((s, [t]) => s + t, 0) / n;
  const mv = points.reduce((s, [, v]) => s + v, 0) / n;
  const num = points.reduce((s, [t, v]) => s + (t - mt) * (v - mv), 0);
  const den = points.reduce((s, [t]) => s + (t - mt) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

/**
 * Fires `requests` at `rate` per second (each at its scheduled time, over up to `connections`
 * keep-alive connections; one behind schedule is sent at once) for `durationMs`; samples the queue
 * and the likes every 500 ms, then until the queue is empty (processed/s counts the likes stored
 * from the first request until the last was processed).
 */
export async function sustainedWindow({
  port,
  path,
  requests,
  rate,
  durationMs,
  connections,
  queue,
  databaseUrl,
  pid,
}) {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  return withClient(databaseUrl, async (client) => {
    const likesBefore = await likesStored(client);
    const statuses = {};
    let errors = 0;
    let next = 0;
    const started = performance.now();
    const deadline = started + durationMs;
    const samples = [];
    let firing = true;
    const sampler = (async () => {
      while (firing) {
        const [counts, likes] = await Promise.all([queueCounts(queue), likesStored(client)]);
        samples.push({
          t: round((performance.now() - started) / 1000, 2),
          depth: depthOf(counts),
          likes: likes - likesBefore,
          accepted: statuses[202] ?? 0,
        });
        await sleep(SAMPLE_MS);
      }
    })();
    const cpu = cpuWindow({ server: pid });
    const lane = async () => {
      for (;;) {
        const i = next++;
        const due = started + (i * 1000) / rate;
        if (i >= requests.length || due >= deadline) return;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        const { body, headers } = requests[i];
        try {
          const response = await pool.request({ method: 'POST', path, headers, body });
          await response.body.text();
          statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
        } catch {
          errors++;
        }
      }
    };
    await Promise.all(Array.from({ length: connections }, lane));
    const firedFor = (performance.now() - started) / 1000;
    const windowCpu = cpu.stop();
    const atEnd = samples.at(-1) ?? { depth: 0, likes: 0, accepted: 0 };
    // Then until the queue is empty: how long the backlog (if any) takes to clear.
    const drainStarted = performance.now();
    let drainedAt = null;
    while (performance.now() - drainStarted < DRAIN_TIMEOUT_MS) {
      const depth = depthOf(await queueCounts(queue));
      if (depth === 0) {
        drainedAt = performance.now();
        break;
      }
      await sleep(100);
    }
    firing = false;
    await sampler;
    await pool.close();
    const likes = (await likesStored(client)) - likesBefore;
    const accepted = statuses[202] ?? 0;
    // The backlog's growth over the second half of the window (the first half includes the ramp-up):
    // Likes accepted and not yet stored. Not the queue's depth, which counts jobs, and a job may
    // hold several messages (ADR 0063).
    const half = samples.filter((s) => s.t >= firedFor / 2 && s.t <= firedFor);
    const growthPerSec = round(slope(half.map((s) => [s.t, s.accepted - s.likes])), 1);
    const acceptedPerSec = round(accepted / firedFor);
    const processedInWindowPerSec = round(atEnd.likes / firedFor);
    const endToEndSeconds = drainedAt === null ? null : (drainedAt - started) / 1000;
    return {
      offeredPerSec: rate,
      connections,
      seconds: round(firedFor, 2),
      sent: Math.min(next, requests.length),
      acceptedPerSec,
      non202ByStatus: Object.fromEntries(Object.entries(statuses).filter(([s]) => s !== '202')),
      transportErrors: errors,
      processedInWindowPerSec,
      processedEndToEndPerSec: endToEndSeconds === null ? null : round(likes / endToEndSeconds),
      likesStored: likes,
      accepted,
      complete: likes === accepted,
      queueDepthAtEnd: atEnd.depth,
      backlogAtEnd: atEnd.accepted - atEnd.likes,
      backlogGrowthPerSecSecondHalf: growthPerSec,
      drainAfterWindowMs: drainedAt === null ? null : Math.round(drainedAt - drainStarted),
      sustained: accepted >= 0.98 * rate * firedFor && growthPerSec <= MAX_GROWTH_SHARE * rate && likes === accepted,
      serverCoresBusy: windowCpu.coresBusy.server,
      postgresCoresBusy: windowCpu.coresBusy.postgres,
      queueDepthSamples: samples.filter((s) => s.t <= firedFor + 0.5).map((s) => [s.t, s.depth, s.likes, s.accepted]),
    };
  });
}
