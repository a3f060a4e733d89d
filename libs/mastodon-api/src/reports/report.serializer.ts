import type { ReportEntity } from '@guildhall/federation';
import type { MastodonAccount } from '../serializers/mastodon-entities';
import type { MastodonReport } from './report.entities';

/** Mastodon's `Report`: for its reporter, and in a staff member's `admin.report` notification. */
export function toMastodonReport(report: ReportEntity, target: MastodonAccount): MastodonReport {
  return {
    id: report.id,
    action_taken: report.resolvedAt !== null,
    action_taken_at: report.resolvedAt ? new Date(report.resolvedAt).toISOString() : null,
    category: report.category,
    comment: report.comment,
    forwarded: report.forwarded,
    created_at: new Date(report.createdAt).toISOString(),
    status_ids: report.postIds,
    rule_ids: report.ruleIds,
    target_account: target,
  };
}
