import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { IDENTITY_QUEUE, IdentityJob, SessionCleanupService } from '@guildhall/identity';
import { signUp } from './utils/factories';
import { createTestApp, type TestApp } from './utils/test-app';

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.each<[string, { REDIS_URL?: string }]>([
  ['Redis', {}],
  ['PostgreSQL (no REDIS_URL)', { REDIS_URL: '' }],
])('session cleanup job on BullMQ with %s', (_backend, env) => {
  let t: TestApp;
  let db: DataSource;
  let queue: Queue;

  beforeAll(async () => {
    t = await createTestApp(
      { ...env, QUEUE_PREFIX: `${process.env.TEST_QUEUE_PREFIX}-jobs${env.REDIS_URL === '' ? 'pg' : 'redis'}` },
      { withWorker: true },
    );
    db = t.app.get(DataSource);
    queue = t.app.get<Queue>(getQueueToken(IDENTITY_QUEUE));
  });
  afterAll(() => t.close());

  it('is processed by the worker: old ended sessions go, live ones stay', async () => {
    const member = await signUp(t);
    const other = await signUp(t);
    // Age the first member's session: it ended 31 days ago.
    await db.query(
      `UPDATE sessions SET expires_at = now() - interval '31 days'
       WHERE user_id = (SELECT u.id FROM users u JOIN accounts a ON a.id = u.account_id WHERE a.username = $1)`,
      [member.username],
    );
    const sessionsOf = async (username: string) =>
      Number(
        (
          await db.query<{ n: string }[]>(
            `SELECT count(*) AS n FROM sessions s JOIN users u ON u.id = s.user_id
             JOIN accounts a ON a.id = u.account_id WHERE a.username = $1`,
            [username],
          )
        )[0].n,
      );

    const jobId = await t.app.get(SessionCleanupService).enqueue(new Date('2026-11-22T10:15:00Z'));
    expect(jobId).toBe(`${IdentityJob.CleanupSessions}.2026-11-22T10`);
    const job = await waitFor(async () => {
      const found = await queue.getJob(jobId);
      return found && (await found.isCompleted()) ? found : undefined;
    });
    // The scheduler's own first run may have taken the aged session already: count what is left.
    expect(job.returnvalue).toEqual({ deleted: expect.any(Number) as number });
    expect(await sessionsOf(member.username)).toBe(0);
    expect(await sessionsOf(other.username)).toBe(1);
  });

  it('enqueues one job per hour however often it is asked (idempotent job ids)', async () => {
    const service = t.app.get(SessionCleanupService);
    const at = new Date('2026-11-23T08:05:00Z');
    const ids = await Promise.all([
      service.enqueue(at),
      service.enqueue(at),
      service.enqueue(new Date('2026-11-23T08:59:00Z')),
    ]);
    expect(new Set(ids)).toEqual(new Set([`${IdentityJob.CleanupSessions}.2026-11-23T08`]));
    const job = await queue.getJob(ids[0]);
    expect(job?.name).toBe(IdentityJob.CleanupSessions);
    expect(job?.opts.attempts).toBe(5);
    expect(job?.opts.backoff).toEqual({ type: 'exponential', delay: 5000 });
  });

  it('registers the hourly scheduler', async () => {
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((s) => ({ key: s.key, every: Number(s.every) }))).toContainEqual({
      key: IdentityJob.CleanupSessions,
      every: 3_600_000,
    });
  });
});
