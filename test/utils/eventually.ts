import type { Queue } from 'bullmq';

/** Polls `probe` until `check` passes (work in the worker is asynchronous); fails with the last error. */
export async function eventually<T>(
  probe: () => Promise<T>,
  check: (value: T) => void,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    try {
      check(value);
      return value;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Until `queues` have nothing waiting or running, twice in a row (fails after 20 s, naming the
 * counts and the jobs still there: when each was enqueued and started, and what it carries).
 */
export async function drained(queues: Queue[]): Promise<void> {
  let quiet = 0;
  try {
    await eventually(
      async () => {
        const counts = await Promise.all(queues.map((queue) => queue.getJobCounts('waiting', 'active', 'prioritized')));
        const busy = counts.reduce((sum, c) => sum + (c.waiting ?? 0) + (c.active ?? 0) + (c.prioritized ?? 0), 0);
        quiet = busy === 0 ? quiet + 1 : 0;
        return { quiet, counts };
      },
      (value) => {
        if (value.quiet < 2) throw new Error(`queues not drained: ${JSON.stringify(value.counts)}`);
      },
    );
  } catch (error) {
    const now = Date.now();
    const jobs = (await Promise.all(queues.map((queue) => queue.getJobs(['active', 'waiting', 'prioritized'], 0, 4))))
      .flat()
      .map((job) => ({
        queue: job.queueName,
        name: job.name,
        enqueuedMsAgo: now - job.timestamp,
        startedMsAgo: job.processedOn ? now - job.processedOn : null,
        attempts: job.attemptsMade,
        data: JSON.stringify(job.data).slice(0, 400),
      }));
    throw new Error(`${(error as Error).message}; still there: ${JSON.stringify(jobs)}`, { cause: error });
  }
}
