import { Injectable } from '@nestjs/common';
import { VISIBLE_POST_BY_ID } from '@guildhall/content';
import { ReportService } from '@guildhall/federation';
import { ACCOUNT_BY_ID } from '@guildhall/identity';
import { NotificationType, type NotificationEntity } from '@guildhall/social';
import { AccountSerializer } from '../serializers/account.serializer';
import type { MastodonReport } from '../reports/report.entities';
import { toMastodonReport } from '../reports/report.serializer';
import type { MastodonAccount, MastodonStatus } from '../serializers/mastodon-entities';
import { type SerializeContext, StatusSerializer } from '../serializers/status.serializer';

export type MastodonNotificationType =
  | 'follow'
  | 'follow_request'
  | 'mention'
  | 'favourite'
  | 'reblog'
  | 'poll'
  | 'status'
  | 'update'
  | 'admin.sign_up'
  | 'admin.report';

/** Guildhall's kinds as Mastodon's types: a reply is a mention to Mastodon. */
export const MASTODON_TYPE: Record<NotificationType, MastodonNotificationType> = {
  [NotificationType.Follow]: 'follow',
  [NotificationType.FollowRequest]: 'follow_request',
  [NotificationType.Mention]: 'mention',
  [NotificationType.Reply]: 'mention',
  [NotificationType.Like]: 'favourite',
  [NotificationType.Boost]: 'reblog',
  [NotificationType.Poll]: 'poll',
  [NotificationType.Status]: 'status',
  [NotificationType.Update]: 'update',
  [NotificationType.AdminSignUp]: 'admin.sign_up',
  [NotificationType.AdminReport]: 'admin.report',
};

/** Guildhall's kinds for Mastodon type names; names Guildhall never produces match nothing. */
export function typesFromMastodon(names: string[]): NotificationType[] {
  return (Object.entries(MASTODON_TYPE) as [NotificationType, string][])
    .filter(([, name]) => names.includes(name))
    .map(([type]) => type);
}

export interface MastodonNotification {
  id: string;
  type: MastodonNotificationType;
  created_at: string;
  group_key: string;
  account: MastodonAccount;
  status?: MastodonStatus;
  report?: MastodonReport;
}

/**
 * Mastodon's group key: favourites and boosts of one status group together, follows group
 * together; everything else stands alone (`ungrouped-<id>`), as Mastodon 4.3 groups them.
 */
export function groupKeyOf(notification: Pick<NotificationEntity, 'id' | 'type' | 'postId'>): string {
  const type = MASTODON_TYPE[notification.type];
  if ((type === 'favourite' || type === 'reblog') && notification.postId) return `${type}-${notification.postId}`;
  if (type === 'follow') return 'follow';
  return `ungrouped-${notification.id}`;
}

/**
 * Notifications as Mastodon entities. The account and status are read through the request's
 * loaders (one query per kind for a page); a notification whose status the reader can no longer
 * see (deleted, or hidden by a block) is left out, as Mastodon leaves it out.
 */
@Injectable()
export class NotificationSerializer {
  constructor(
    private readonly accounts: AccountSerializer,
    private readonly statuses: StatusSerializer,
    private readonly reports: ReportService,
  ) {}

  async serializeMany(rows: NotificationEntity[], context: SerializeContext): Promise<MastodonNotification[]> {
    const rendered = await Promise.all(rows.map((row) => this.serialize(row, context)));
    return rendered.filter((item): item is MastodonNotification => item !== null);
  }

  async serialize(row: NotificationEntity, context: SerializeContext): Promise<MastodonNotification | null> {
    const [account, post] = await Promise.all([
      context.loaders.get(ACCOUNT_BY_ID).load(row.fromAccountId),
      row.postId ? context.loaders.get(VISIBLE_POST_BY_ID).load(row.postId) : null,
    ]);
    if (!account) return null;
    const base: MastodonNotification = {
      id: row.id,
      type: MASTODON_TYPE[row.type],
      created_at: row.createdAt.toISOString(),
      group_key: groupKeyOf(row),
      account: this.accounts.serialize(account),
    };
    if (row.reportId) return this.withReport(base, row.reportId, context);
    if (!row.postId) return base;
    const status = post ? await this.statuses.serialize(post, context) : null;
    return status ? { ...base, status } : null;
  }

  /** `admin.report`: the report as Mastodon renders it; left out when the report or its target is gone. */
  private async withReport(
    base: MastodonNotification,
    reportId: string,
    context: SerializeContext,
  ): Promise<MastodonNotification | null> {
    const report = await this.reports.findById(reportId);
    const target = report ? await context.loaders.get(ACCOUNT_BY_ID).load(report.targetAccountId) : null;
    if (!report || !target) return null;
    return { ...base, report: toMastodonReport(report, this.accounts.serialize(target)) };
  }
}
