import { FederationJob } from '../federation.constants';
import { jobsOf, MESSAGES_PER_JOB } from './bullmq-message.queue';

const inbox = (n: number) => ({ type: 'inbox', id: `inbox ${n}` });
const outbox = (n: number) => ({ type: 'outbox', id: `outbox ${n}` });

describe('jobsOf', () => {
  it('puts one turn’s inbox messages in one job, a lone one as a plain job', () => {
    expect(jobsOf([inbox(1)])).toEqual([{ name: FederationJob.Fedify, data: inbox(1) }]);
    expect(jobsOf([inbox(1), inbox(2), inbox(3)])).toEqual([
      { name: FederationJob.FedifyMany, data: { messages: [inbox(1), inbox(2), inbox(3)] } },
    ]);
  });

  it('keeps every other message a job of its own', () => {
    expect(jobsOf([outbox(1), inbox(1), outbox(2), inbox(2)])).toEqual([
      { name: FederationJob.Fedify, data: outbox(1) },
      { name: FederationJob.Fedify, data: outbox(2) },
      { name: FederationJob.FedifyMany, data: { messages: [inbox(1), inbox(2)] } },
    ]);
    expect(jobsOf([outbox(1), null, 'text'])).toEqual([
      { name: FederationJob.Fedify, data: outbox(1) },
      { name: FederationJob.Fedify, data: null },
      { name: FederationJob.Fedify, data: 'text' },
    ]);
  });

  it(`holds at most ${MESSAGES_PER_JOB} messages in a job, every message once`, () => {
    const messages = Array.from({ length: 2 * MESSAGES_PER_JOB + 1 }, (_, n) => inbox(n));
    const jobs = jobsOf(messages);
    expect(jobs.map((job) => job.name)).toEqual([
      FederationJob.FedifyMany,
      FederationJob.FedifyMany,
      FederationJob.Fedify,
    ]);
    const carried = jobs.flatMap((job) =>
      job.name === FederationJob.FedifyMany ? (job.data as { messages: unknown[] }).messages : [job.data],
    );
    expect(carried).toEqual(messages);
  });
});
