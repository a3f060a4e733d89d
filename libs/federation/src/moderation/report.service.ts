import { Injectable, Logger } from '@nestjs/common';
import {
  afterCursor,
  AuditLog,
  DomainEvent,
  DomainEventBus,
  RateLimiterService,
  toPage,
  uuidv7,
  UUID_PATTERN,
  type Limit,
  type Page,
} from '@guildhall/core';
import type { PostEntity } from '@guildhall/content';
import { AccountService, type AuthContext } from '@guildhall/identity';
import { AccountSuspensionService } from './account-suspension.service';
import type { ReportInput } from './dto/report.input';
import type { ReportsArgs } from './dto/reports.args';
import { ModerationErrorCode, ModerationException } from './moderation.exception';
import { REPORT_CATEGORIES, type ReportCategory, type ReportEntity } from './report.entity';
import { ReportAction } from './report.model';
import { ReportRepository } from './report.repository';

/** Reports a member may file per hour. */
export const REPORTS_PER_HOUR: Limit = { max: 10, windowSeconds: 3600 };

/** What a remote `Flag` says, once its actor, object and posts are resolved to ours. */
export interface RemoteReport {
  /** The Flag's id: the same Flag twice is one report. */
  uri: string;
  /** The flagging actor's account (often the remote server's instance actor), if known. */
  reporterId: string | null;
  sourceDomain: string;
  targetAccountId: string;
  postIds: string[];
  comment: string;
}

/** What Mastodon's reports add to GraphQL's input: why, which rules, and whether to forward. */
export interface ReportOptions {
  category?: ReportCategory;
  ruleIds?: string[];
  /** Send a copy to a remote target's server (ignored for a local account). */
  forward?: boolean;
}

/**
 * The server's rules a report may name. Guildhall has none yet (`/api/v1/instance/rules` is
 * empty), so a report naming any is refused rather than stored with rules that do not exist.
 */
export const SERVER_RULE_IDS: readonly string[] = [];

/** Bounds on what a remote server may make us store. */
const MAX_REMOTE_POSTS = 100;
const MAX_REMOTE_COMMENT = 5000;

const unique = (ids: string[]) => [...new Set(ids.map((id) => id.toLowerCase()))];

@Injectable()
export class ReportService {
  private readonly logger = new Logger(ReportService.name);

  constructor(
    private readonly reports: ReportRepository,
    private readonly accounts: AccountService,
    private readonly suspensions: AccountSuspensionService,
    private readonly rateLimiter: RateLimiterService,
    private readonly events: DomainEventBus,
    private readonly audit: AuditLog,
  ) {}

  /**
   * Files a remote `Flag` (the inbound handler calls this). Only reports about our own accounts
   * are kept, as Mastodon does, with only the posts that are the target's: null otherwise.
   * Idempotent by `uri`: a Flag delivered again returns the report made the first time.
   */
  async fileRemote(input: RemoteReport): Promise<ReportEntity | null> {
    const target = UUID_PATTERN.test(input.targetAccountId)
      ? await this.accounts.findById(input.targetAccountId)
      : null;
    if (!target || target.domain !== null) return null;
    const postIds = unique(input.postIds.filter((id) => UUID_PATTERN.test(id))).slice(0, MAX_REMOTE_POSTS);
    const ownPostIds = await this.reports.postIdsOf(target.id, postIds);
    const id = uuidv7();
    const report = await this.reports.transaction(async (manager) => {
      const filed = await this.reports.insert(
        {
          id,
          uri: input.uri,
          reporterId: input.reporterId,
          sourceDomain: input.sourceDomain.toLowerCase(),
          targetAccountId: target.id,
          postIds: ownPostIds,
          comment: (input.comment ?? '').slice(0, MAX_REMOTE_COMMENT),
        },
        manager,
      );
      // Staff hear of a new report only (the same Flag again is the same report), and only when
      // the flagging actor is known: a notification names who acted.
      if (filed.id === id && filed.reporterId) {
        await this.events.publish(manager, DomainEvent.ReportFiled, {
          reportId: filed.id,
          reporterId: filed.reporterId,
          targetAccountId: target.id,
        });
      }
      return filed;
    });
    this.logger.log({
      msg: 'remote report',
      reportId: report.id,
      targetAccountId: target.id,
      from: input.sourceDomain,
    });
    return report;
  }

  /**
   * A member reports an account, and optionally some of its posts they can see, in a category
   * (naming rules makes it a `violation`, as Mastodon's ReportService does); `forward` sends a
   * copy to a remote account's server (a ReportForwarded event, in the report's transaction).
   */
  async report(auth: AuthContext, input: ReportInput, options: ReportOptions = {}): Promise<ReportEntity> {
    const ruleIds = [...new Set(options.ruleIds ?? [])];
    const unknownRules = ruleIds.filter((id) => !SERVER_RULE_IDS.includes(id));
    if (unknownRules.length) {
      throw new ModerationException(ModerationErrorCode.InvalidReport, 'rule_ids must be rules of this server', {
        ruleIds: unknownRules.slice(0, 20),
      });
    }
    const category: ReportCategory = ruleIds.length ? 'violation' : (options.category ?? 'other');
    if (!REPORT_CATEGORIES.includes(category)) {
      throw new ModerationException(
        ModerationErrorCode.InvalidReport,
        'category must be spam, legal, violation or other',
      );
    }
    await this.rateLimiter.consume(
      `report:${auth.accountId}`,
      REPORTS_PER_HOUR,
      (retryAfterSeconds) =>
        new ModerationException(ModerationErrorCode.RateLimited, 'Too many reports; try again later', {
          retryAfterSeconds,
        }),
    );
    const target = await this.accounts.findByHandle(input.handle, { resolveRemote: false });
    if (!target || target.suspendedAt) {
      throw new ModerationException(ModerationErrorCode.AccountNotFound, 'No such account');
    }
    if (target.id === auth.accountId) {
      throw new ModerationException(ModerationErrorCode.CannotReportSelf, 'You cannot report yourself');
    }
    const postIds = unique(input.postIds ?? []);
    const visible = await this.reports.visiblePostIdsOf(target.id, postIds, auth.accountId);
    if (visible.length !== postIds.length) {
      throw new ModerationException(
        ModerationErrorCode.InvalidReportedPosts,
        'postIds must be posts of the reported account that you can see',
      );
    }
    const forwarded = options.forward === true && target.domain !== null;
    const report = await this.reports.transaction(async (manager) => {
      const filed = await this.reports.insert(
        {
          id: uuidv7(),
          uri: null,
          reporterId: auth.accountId,
          sourceDomain: null,
          targetAccountId: target.id,
          postIds: visible,
          comment: input.comment.trim(),
          category,
          ruleIds,
          forwarded,
        },
        manager,
      );
      await this.events.publish(manager, DomainEvent.ReportFiled, {
        reportId: filed.id,
        reporterId: auth.accountId,
        targetAccountId: target.id,
      });
      if (forwarded) {
        await this.events.publish(manager, DomainEvent.ReportForwarded, {
          reportId: filed.id,
          targetAccountId: target.id,
        });
      }
      return filed;
    });
    this.logger.log({ msg: 'report filed', reportId: report.id, targetAccountId: target.id, forwarded });
    return report;
  }

  /** How many reports wait for a moderator (the console's overview). */
  openCount(): Promise<number> {
    return this.reports.countOpen();
  }

  page(args: ReportsArgs): Promise<Page<ReportEntity>> {
    return this.reports
      .page({ resolved: args.resolved ?? null, afterId: afterCursor(args.after), limit: args.first })
      .then((rows) => toPage(rows, args.first));
  }

  findById(id: string): Promise<ReportEntity | null> {
    return UUID_PATTERN.test(id) ? this.reports.findById(id.toLowerCase()) : Promise.resolve(null);
  }

  /** The reported posts as the moderators see them: whatever their visibility, deleted ones left out. */
  postsOf(report: Pick<ReportEntity, 'postIds'>): Promise<PostEntity[]> {
    return this.reports.findPosts(report.postIds);
  }

  /**
   * Closes an open report, suspending its target first when asked to. Recorded in the audit log
   * (`federation.resolve_report`) in the closing transaction; a suspension is recorded by its own.
   */
  async resolve(moderator: AuthContext, id: string, action: ReportAction): Promise<ReportEntity> {
    const report = await this.reports.findById(id);
    if (!report) throw new ModerationException(ModerationErrorCode.ReportNotFound, 'No such report');
    if (report.resolvedAt) throw alreadyResolved();
    switch (action) {
      case ReportAction.DISMISS:
        break;
      case ReportAction.SUSPEND_ACCOUNT: {
        const target = await this.accounts.findById(report.targetAccountId);
        if (!target) throw new ModerationException(ModerationErrorCode.AccountNotFound, 'The account is gone');
        await this.suspensions.suspend(moderator, target);
        break;
      }
    }
    const resolved = await this.reports.transaction(async (manager) => {
      const closed = await this.reports.resolve(id, moderator.accountId, manager);
      if (!closed) throw alreadyResolved();
      await this.audit.record(manager, {
        actorId: moderator.accountId,
        action: 'federation.resolve_report',
        subject: `report ${id}`,
        details: { action, targetAccountId: report.targetAccountId },
      });
      if (action === ReportAction.SUSPEND_ACCOUNT) {
        // Upheld: the moderator acted on it (a dismissal is not). The cooperative records MODERATED.
        const upheld = { reportId: id, moderatorAccountId: moderator.accountId };
        await this.events.publish(manager, DomainEvent.ReportUpheld, upheld);
      }
      return closed;
    });
    this.logger.log({ msg: 'report resolved', reportId: id, action, moderatorId: moderator.accountId });
    return resolved;
  }
}

const alreadyResolved = () =>
  new ModerationException(ModerationErrorCode.ReportAlreadyResolved, 'The report was resolved already');
