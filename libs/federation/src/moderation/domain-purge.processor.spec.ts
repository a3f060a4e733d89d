import type { Job } from 'bullmq';
import type { DomainPurgePayload } from './domain-purge.job';
import { DomainPurgeProcessor } from './domain-purge.processor';
import type { DomainPurgeService } from './domain-purge.service';

describe('DomainPurgeProcessor', () => {
  const failed: DomainPurgePayload[] = [];
  const service = {
    fail: (payload: DomainPurgePayload) => {
      failed.push(payload);
      return Promise.resolve();
    },
  } as unknown as DomainPurgeService;
  const job = (attemptsMade: number) =>
    ({ data: { domain: 'spam.example', run: 2 }, attemptsMade, opts: { attempts: 8 } }) as Job<DomainPurgePayload>;

  beforeEach(() => failed.splice(0));

  it('leaves the run as it is while attempts remain', async () => {
    await new DomainPurgeProcessor(service).onFailed(job(3), new Error('deadlock detected'));
    expect(failed).toEqual([]);
  });

  it('marks the run failed after the last attempt', async () => {
    await new DomainPurgeProcessor(service).onFailed(job(8), new Error('deadlock detected'));
    expect(failed).toEqual([{ domain: 'spam.example', run: 2 }]);
  });
});
