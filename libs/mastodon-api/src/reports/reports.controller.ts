import { Body } from '@nestjs/common';
import { UUID_PATTERN } from '@guildhall/core';
import { ReportService } from '@guildhall/federation';
import { AccountService, CurrentAuth, type AuthContext } from '@guildhall/identity';
import { MastodonController, MastodonPost } from '../http/mastodon-controller.decorator';
import { MastodonException } from '../http/mastodon.exception';
import { arrayParam, booleanParam, stringParam } from '../http/params';
import { Scope } from '../http/scopes.decorator';
import { AccountSerializer } from '../serializers/account.serializer';
import type { MastodonReport, MastodonReportCategory } from './report.entities';
import { toMastodonReport } from './report.serializer';

const CATEGORIES = new Set<MastodonReportCategory>(['spam', 'legal', 'violation', 'other']);
/** The GraphQL `report` input's bounds (ReportInput): one rule for both adapters. */
const MAX_COMMENT = 1000;
const MAX_STATUSES = 20;
const MAX_RULES = 20;

/**
 * `POST /api/v1/reports`: files a member's report through the federation lib's ReportService, as
 * GraphQL `report` does (its rate limit, its checks that the posts are the target's and visible),
 * with Mastodon's `category` and `rule_ids` stored and `forward=true` sending a Flag to a remote
 * account's server. Guildhall has no server rules yet (SERVER_RULE_IDS), so any `rule_ids` is 422.
 */
@MastodonController('api/v1/reports')
export class ReportsController {
  constructor(
    private readonly reports: ReportService,
    private readonly accounts: AccountService,
    private readonly accountSerializer: AccountSerializer,
  ) {}

  @MastodonPost()
  @Scope('write:reports')
  async create(@CurrentAuth() auth: AuthContext, @Body() body: Record<string, unknown> = {}): Promise<MastodonReport> {
    const accountId = stringParam(body.account_id);
    if (!accountId) throw MastodonException.unprocessable('account_id is required');
    const target = UUID_PATTERN.test(accountId) ? await this.accounts.findById(accountId.toLowerCase()) : null;
    if (!target) throw MastodonException.notFound();
    const statusIds = arrayParam(body, 'status_ids');
    if (statusIds.length > MAX_STATUSES) {
      throw MastodonException.unprocessable(`At most ${MAX_STATUSES} statuses may be reported`);
    }
    if (statusIds.some((id) => !UUID_PATTERN.test(id))) {
      throw MastodonException.unprocessable('status_ids must be statuses of the reported account that you can see');
    }
    const comment = stringParam(body.comment) ?? '';
    if (comment.length > MAX_COMMENT) {
      throw MastodonException.unprocessable(`comment must be at most ${MAX_COMMENT} characters`);
    }
    const category = stringParam(body.category)?.trim() || 'other';
    if (!CATEGORIES.has(category as MastodonReportCategory)) {
      throw MastodonException.unprocessable('category must be spam, legal, violation or other');
    }
    const ruleIds = arrayParam(body, 'rule_ids');
    if (ruleIds.length > MAX_RULES) throw MastodonException.unprocessable(`At most ${MAX_RULES} rules may be named`);
    const handle = target.domain === null ? target.username : `${target.username}@${target.domain}`;
    const report = await this.reports.report(
      auth,
      { handle, postIds: statusIds, comment },
      { category: category as MastodonReportCategory, ruleIds, forward: booleanParam(body.forward) },
    );
    return toMastodonReport(report, this.accountSerializer.serialize(target));
  }
}
