import type { ReportCategory } from '@guildhall/federation';
import type { MastodonAccount } from '../serializers/mastodon-entities';

export type MastodonReportCategory = ReportCategory;

/** Mastodon's `Report` as its reporter sees it. */
export interface MastodonReport {
  id: string;
  action_taken: boolean;
  action_taken_at: string | null;
  category: MastodonReportCategory;
  comment: string;
  forwarded: boolean;
  created_at: string;
  status_ids: string[];
  rule_ids: string[];
  target_account: MastodonAccount;
}
