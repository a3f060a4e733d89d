// bench:close section `database`: the whole close through PeriodService (the code behind the
// closePeriod mutation) on a scratch database seeded with COPY-free INSERT … SELECT: `members`
// local accounts admitted long ago, `events` contributions of every recorded type (PUBLISHED,
// ENGAGED from members and a remote server, CURATED, SPENT, REVERSAL) and some revenue and costs.
// Runs in its own process (peak memory is the close's), against DATABASE_URL's server.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { root } from './common.mjs';
import { withScratchDatabase } from '../lib/scratch-db.mjs';

const require = createRequire(import.meta.url);
/** The second close (of the closed period) is timed up to this size (see below). */
const SECOND_CLOSE_MAX_EVENTS = 1_000_000;

/** Seeds and closes one period; returns the figures. */
export async function closeThroughDatabase({ members, events }) {
  return withScratchDatabase('guildhall_bench_close', async (url) => {
    const { startRuntime, PinoNestLogger } = require(join(root, 'dist/libs/core/src/index.js'));
    const { CliModule } = require(join(root, 'dist/apps/cli/src/cli.module.js'));
    const { PeriodService, CloseSnapshotReader } = require(join(root, 'dist/libs/coop/src/index.js'));
    const { CoopPeriodRepository } = require(join(root, 'dist/libs/coop/src/periods/coop-period.repository.js'));
    const { NestFactory } = require('@nestjs/core');
    const { DataSource } = require('typeorm');
    const runtime = await startRuntime(
      {
        ...process.env,
        DATABASE_URL: url,
        LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
        DATA_DIR: join(root, 'data', 'bench-close'),
      },
      { logToStderr: true },
    );
    const app = await NestFactory.createApplicationContext(CliModule.forRoot(runtime, { migrate: true }), {
      // BENCH_LOG_LEVEL=info shows the close's own log line (its phases) on stderr.
      logger: process.env.BENCH_LOG_LEVEL ? new PinoNestLogger(runtime.logger) : false,
    });
    await app.init();
    try {
      const db = app.get(DataSource);
      const periods = app.get(PeriodService);
      const seedStarted = performance.now();
      await seed(db, { members, events });
      const seedMs = performance.now() - seedStarted;
      await periods.current();
      const rssBefore = process.memoryUsage().rss;
      const started = performance.now();
      const cpuStarted = process.cpuUsage();
      const { result, posted, phases, peakRssMB: peakRssMBByPhase } = await periods.close();
      const closeMs = performance.now() - started;
      // the close's own peak (the second close below reads the stored snapshot back)
      const peakRssAfterCloseMB = Math.round(process.resourceUsage().maxRSS / 1024);
      // this process's CPU time in the close (not the server's): steadier than wall time under load
      const { user, system } = process.cpuUsage(cpuStarted);
      // The close's phases (PeriodService; `a.b` ones are parts of `a`); the rest is the lock,
      // BEGIN and COMMIT.
      const topLevel = Object.entries(phases).filter(([name]) => !name.includes('.'));
      const lockAndCommitMs = closeMs - topLevel.reduce((sum, [, ms]) => sum + ms, 0);
      // Closing a closed period returns what it published, read back whole: past 1M events that
      // text is more than one PostgreSQL value or V8 string holds, so it is not tried there.
      const againStarted = performance.now();
      const again = events <= SECOND_CLOSE_MAX_EVENTS ? await periods.close(result.period) : null;
      const againMs = again ? performance.now() - againStarted : null;
      if (!posted || (again && (again.posted || again.result.outputHash !== result.outputHash)))
        throw new Error('close not idempotent');
      const [{ postings }] = await db.query('SELECT count(*)::int AS postings FROM coop_postings');
      const floor = await ioFloor(db, app.get(CloseSnapshotReader), app.get(CoopPeriodRepository), result.period);
      return {
        members,
        events,
        seedMs: Math.round(seedMs),
        closeMs: Math.round(closeMs),
        closeCpuMs: Math.round((user + system) / 1000),
        secondCloseMs: againMs === null ? null : Math.round(againMs),
        phases: { ...phases, lockAndCommitMs: Math.round(lockAndCommitMs) },
        // this process's peak RSS so far at the end of each phase (where it jumps, that phase raised it)
        peakRssMBByPhase,
        postings,
        resultMembers: result.members.length,
        unitsIssued: result.unitsIssued,
        rssBeforeCloseMB: Math.round(rssBefore / 1024 / 1024),
        peakRssAfterCloseMB,
        peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
        // The database's own share, same data, same run: the close over it says how far this
        // process and the close's other statements are from what the server alone needs.
        ioFloor: floor,
        closeOverIoFloor: Math.round((closeMs / floor.totalMs) * 100) / 100,
        outputHash: result.outputHash,
      };
    } finally {
      await app.close();
      await runtime.shutdown();
    }
  });
}

/**
 * What the server alone needs for the close's input and output, timed after the close in a
 * transaction rolled back and tuned as the close's is (tuneForClose): reading every event of the
 * period in the close's chunks (CloseSnapshotReader.snapshotEvents, each chunk's text dropped as
 * it comes; the faster of two reads), and writing the published text again (the stored parts
 * copied server-side into a table made in the transaction: compressed, TOASTed and WAL-logged as
 * the close's are; nothing crosses the socket).
 */
async function ioFloor(db, reader, periods, periodId) {
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    const { manager } = runner;
    await periods.tuneForClose(manager);
    const [{ after }] = await manager.query(
      `SELECT snapshot_events_after::text AS after FROM coop_periods WHERE id = $1`,
      [periodId],
    );
    // The read twice, the faster kept: right after a close the server may still be writing its
    // WAL and checkpointing (one read measured 0.8 s and the next run's 2.3 s at 1M events).
    let readEventsMs = Infinity;
    for (let attempt = 0; attempt < 2; attempt++) {
      const started = performance.now();
      const read = await reader.snapshotEvents(
        manager,
        Number(after ?? 0),
        () => Promise.resolve(),
        () => undefined,
      );
      await read.after;
      readEventsMs = Math.min(readEventsMs, performance.now() - started);
    }
    await manager.query(`CREATE TABLE bench_floor_parts (LIKE coop_published_parts INCLUDING ALL)`);
    const started = performance.now();
    await manager.query(
      `INSERT INTO bench_floor_parts SELECT * FROM coop_published_parts WHERE period_id = $1 ORDER BY n`,
      [periodId],
    );
    const writeTextMs = performance.now() - started;
    await runner.rollbackTransaction();
    return {
      readEventsMs: Math.round(readEventsMs),
      writeTextMs: Math.round(writeTextMs),
      totalMs: Math.round(readEventsMs + writeTextMs),
    };
  } finally {
    await runner.release();
  }
}

export async function seed(db, { members, events }) {
  await db.query(
    `INSERT INTO accounts (username) SELECT 'm' || lpad(i::text, 7, '0') FROM generate_series(0, $1 - 1) i`,
    [members],
  );
  await db.query(
    `INSERT INTO coop_members (account_id, status, applied_at, joined_at, share_paid_cents)
     SELECT id, 'active', now() - interval '90 days', now() - interval '60 days', 1000 FROM accounts`,
  );
  await db.query(
    `CREATE TABLE bench_members AS SELECT (row_number() OVER (ORDER BY username) - 1)::int AS idx, id, username FROM accounts`,
  );
  await db.query(`CREATE UNIQUE INDEX ON bench_members (idx)`);
  // Per 20 events: 8 PUBLISHED, 8 ENGAGED (1 in 100 from a remote server), 2 CURATED, 1 SPENT, 1 REVERSAL.
  // snapshot_json as CoopEventRepository writes it (compact, keys sorted).
  await db.query(
    `INSERT INTO coop_events (id, type, member_id, actor, object, amount, reverses, snapshot_json)
     SELECT id, type, member_id, actor, object, amount, reverses, CASE type
              WHEN 'REVERSAL' THEN '{"id":' || to_json(id)::text || ',"reverses":' || to_json(reverses)::text
                || ',"type":' || to_json(type)::text || '}'
              WHEN 'ENGAGED' THEN '{"actor":' || to_json(CASE WHEN actor LIKE 'instance:%' THEN actor ELSE actor_name END)::text
                || ',"id":' || to_json(id)::text || ',"member":' || to_json(member)::text
                || ',"object":' || to_json(object)::text || ',"type":' || to_json(type)::text || '}'
              WHEN 'SPENT' THEN '{"amount":' || amount::text || ',"id":' || to_json(id)::text
                || ',"member":' || to_json(member)::text || ',"type":' || to_json(type)::text || '}'
              ELSE '{"id":' || to_json(id)::text || ',"member":' || to_json(member)::text
                || ',"object":' || to_json(object)::text || ',"type":' || to_json(type)::text || '}' END
       FROM (
         SELECT g, 'ev-' || g AS id,
                CASE WHEN g % 20 < 8 THEN 'PUBLISHED' WHEN g % 20 < 16 THEN 'ENGAGED' WHEN g % 20 < 18 THEN 'CURATED'
                     WHEN g % 20 = 18 THEN 'SPENT' ELSE 'REVERSAL' END AS type,
                CASE WHEN g % 20 = 19 THEN NULL ELSE m.id END AS member_id,
                m.username AS member,
                CASE WHEN g % 20 BETWEEN 8 AND 15 THEN
                     CASE WHEN g % 100 = 9 THEN 'instance:remote.example' ELSE a.id::text END END AS actor,
                a.username AS actor_name,
                CASE WHEN g % 20 < 18 THEN 'post-' || (g % 50000) END AS object,
                CASE WHEN g % 20 = 18 THEN 100 + g % 5000 END AS amount,
                CASE WHEN g % 20 = 19 THEN 'ev-' || (g - 19) END AS reverses
           FROM generate_series(0, $1 - 1) g
           JOIN bench_members m ON m.idx = (g::bigint * 7919) % $2
           JOIN bench_members a ON a.idx = (g::bigint * 104729 + 1) % $2
       ) e
      ORDER BY g`,
    [events, members],
  );
  await db.query(
    `INSERT INTO coop_payments (id, kind, amount_cents, memo)
     VALUES ('rev-1', 'revenue', 250000000, 'subscriptions'), ('cost-1', 'cost', 90000000, 'hosting')`,
  );
  await db.query('DROP TABLE bench_members');
  await db.query('ANALYZE');
}

if (process.argv[2] === '--child') {
  const [members, events] = process.argv.slice(3).map(Number);
  const figures = await closeThroughDatabase({ members, events });
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  process.exit(0);
}
