import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { ConfigService } from '@guildhall/core';
import { IDENTITY_QUEUE, IdentityJob, SESSION_RETENTION_DAYS } from '../identity.constants';
import { CLEANUP_SESSIONS_JOB_OPTIONS, type CleanupSessionsPayload } from '../jobs/cleanup-sessions.job';
import { OAuthRepository } from '../oauth/oauth.repository';
import { SessionRepository } from './session.repository';

@Injectable()
export class SessionCleanupService {
  private readonly logger = new Logger(SessionCleanupService.name);

  constructor(
    private readonly sessions: SessionRepository,
    private readonly oauth: OAuthRepository,
    private readonly config: ConfigService,
    @InjectQueue(IDENTITY_QUEUE) private readonly queue: Queue<CleanupSessionsPayload>,
  ) {}

  /** Runs hourly in the worker; every process may call this, the scheduler id makes it one. */
  async schedule(): Promise<void> {
    await this.queue.upsertJobScheduler(
      IdentityJob.CleanupSessions,
      { every: 3_600_000 },
      { name: IdentityJob.CleanupSessions, data: {}, opts: CLEANUP_SESSIONS_JOB_OPTIONS },
    );
  }

  /**
   * Asks for a cleanup now. The job id names the hour, so asking twice in one hour (or a retry
   * of the caller) enqueues one job.
   */
  async enqueue(now = new Date()): Promise<string> {
    const jobId = `${IdentityJob.CleanupSessions}.${now.toISOString().slice(0, 13)}`;
    await this.queue.add(
      IdentityJob.CleanupSessions,
      { requestedAt: now.toISOString() },
      {
        ...CLEANUP_SESSIONS_JOB_OPTIONS,
        jobId,
      },
    );
    return jobId;
  }

  /**
   * Deletes sessions that ended (expired or revoked) more than the retention period ago, and spent
   * refresh tokens older than a refresh token lives (reuse of one that old is no longer told apart).
   */
  async run(now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - SESSION_RETENTION_DAYS * 86_400_000);
    const deleted = await this.sessions.deleteEndedBefore(before);
    const spentBefore = new Date(now.getTime() - this.config.values.refreshTokenTtlDays * 86_400_000);
    const spent = await this.sessions.deleteSpentTokensBefore(spentBefore);
    const codes = await this.oauth.deleteCodesExpiredBefore(now);
    this.logger.log({ msg: 'sessions cleaned up', deleted, spent, codes, before: before.toISOString() });
    return deleted;
  }
}
