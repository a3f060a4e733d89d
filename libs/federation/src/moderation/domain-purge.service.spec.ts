import type { ConfigService } from '@guildhall/core';
import type { Queue } from 'bullmq';
import type { EntityManager } from 'typeorm';
import type { DomainBlockRepository } from './domain-block.repository';
import { type DomainPurgePayload, domainPurgeJobId } from './domain-purge.job';
import type { DomainPurgeRepository, PurgeResult } from './domain-purge.repository';
import { DomainPurgeService } from './domain-purge.service';

const DOMAIN = 'spam.example';

/**
 * A stored domain: `accounts` are its accounts (each with one post), `blockedRun` the run its
 * block holds (null once unblocked). `beforeBatch` runs before each batch locks the block.
 */
function setUp(accounts: string[], options: { beforeBatch?: (batch: number) => void; undeletable?: string[] } = {}) {
  const state = {
    accounts: [...accounts],
    blockedRun: 1 as number | null,
    batches: [] as string[][],
    recorded: [] as PurgeResult[],
    finished: 0,
    failed: [] as number[],
    jobs: [] as { name: string; data: DomainPurgePayload; jobId?: string }[],
  };
  let batch = 0;
  const manager = {} as EntityManager;
  const blocks = {
    transaction: <T>(work: (m: EntityManager) => Promise<T>) => work(manager),
    lockPurgeRun: (_m: EntityManager, domain: string, run: number) => {
      options.beforeBatch?.(batch++);
      return Promise.resolve(domain === DOMAIN && state.blockedRun === run);
    },
    recordPurged: (_m: EntityManager, _domain: string, purged: PurgeResult) => {
      state.recorded.push(purged);
      return Promise.resolve();
    },
    finishPurge: () => {
      state.finished += 1;
      return Promise.resolve();
    },
    failPurge: (_domain: string, run: number) => {
      state.failed.push(run);
      return Promise.resolve();
    },
  } as unknown as DomainBlockRepository;
  const purges = {
    coveredAccountIds: () => Promise.resolve([...state.accounts].sort()),
    purgeAccounts: (_m: EntityManager, ids: string[]) => {
      state.batches.push(ids);
      const gone = ids.filter((id) => state.accounts.includes(id) && !options.undeletable?.includes(id));
      state.accounts = state.accounts.filter((id) => !gone.includes(id));
      return Promise.resolve({ accounts: gone.length, posts: gone.length });
    },
  } as unknown as DomainPurgeRepository;
  const queue = {
    add: (name: string, data: DomainPurgePayload, opts: { jobId?: string }) => {
      state.jobs.push({ name, data, jobId: opts.jobId });
      return Promise.resolve();
    },
  } as unknown as Queue<DomainPurgePayload>;
  const config = { values: { federation: { purgeBatch: 2 } } } as unknown as ConfigService;
  return { state, service: new DomainPurgeService(config, blocks, purges, queue) };
}

describe('DomainPurgeService', () => {
  it('purges in batches, recording each, then marks the run done', async () => {
    const { state, service } = setUp(['a', 'b', 'c', 'd', 'e']);
    await expect(service.run({ domain: DOMAIN, run: 1 })).resolves.toEqual({ status: 'done', accounts: 5, posts: 5 });
    expect(state.batches).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(state.recorded.map((purged) => purged.accounts)).toEqual([2, 2, 1]);
    expect(state.finished).toBe(1);
  });

  it('purges nothing when the domain was unblocked before the run', async () => {
    const { state, service } = setUp(['a', 'b', 'c']);
    state.blockedRun = null;
    await expect(service.run({ domain: DOMAIN, run: 1 })).resolves.toEqual({
      status: 'stopped',
      accounts: 0,
      posts: 0,
    });
    expect(state.batches).toEqual([]);
    expect(state.accounts).toEqual(['a', 'b', 'c']);
    expect(state.finished).toBe(0);
  });

  it('stops at the next batch when the domain is unblocked, or blocked again (a newer run), meanwhile', async () => {
    for (const change of [null, 2]) {
      const { state, service } = setUp(['a', 'b', 'c', 'd', 'e'], {
        beforeBatch: (batch) => {
          if (batch === 1) state.blockedRun = change;
        },
      });
      await expect(service.run({ domain: DOMAIN, run: 1 })).resolves.toMatchObject({ status: 'stopped', accounts: 2 });
      expect(state.accounts).toEqual(['c', 'd', 'e']);
      expect(state.finished).toBe(0);
    }
  });

  it('scans again after a pass, and gives up (for a retry) when a pass makes no progress', async () => {
    const { state, service } = setUp(['a', 'b', 'c'], { undeletable: ['c'] });
    await expect(service.run({ domain: DOMAIN, run: 1 })).rejects.toThrow('not making progress');
    expect(state.accounts).toEqual(['c']);
    expect(state.batches).toEqual([['a', 'b'], ['c'], ['c']]);
    expect(state.finished).toBe(0);
  });

  it('enqueues one job per domain and run, with an id BullMQ accepts', async () => {
    const { state, service } = setUp([]);
    await service.enqueue({ domain: 'spam.example:8443', purgeRun: 3 });
    expect(state.jobs).toEqual([
      {
        name: 'purge-domain',
        data: { domain: 'spam.example:8443', run: 3 },
        jobId: 'purge-domain.spam.example%3A8443.3',
      },
    ]);
    expect(domainPurgeJobId({ domain: 'spam.example:8443', run: 3 })).not.toContain(':');
  });

  it('marks only the failed run FAILED', async () => {
    const { state, service } = setUp([]);
    await service.fail({ domain: DOMAIN, run: 4 }, new Error('database went away'));
    expect(state.failed).toEqual([4]);
  });
});
