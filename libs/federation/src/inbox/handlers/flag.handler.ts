import type { InboxContext } from '@fedify/fedify';
import { Flag } from '@fedify/fedify/vocab';
import { Injectable } from '@nestjs/common';
import { type PostEntity, RemotePostService } from '@guildhall/content';
import type { AccountEntity } from '@guildhall/identity';
import type { InboxHandler } from '../inbox-handler';
import { InboxSupport } from '../inbox-support';
import { remoteText } from '../../remote/remote-text';
import { ReportService } from '../../moderation/report.service';

const MAX_REPORTED_OBJECTS = 100;

/**
 * `Flag`: a report to this server's moderators about a local account, naming the account and/or
 * some of its posts (Mastodon sends it from its instance actor, with the comment as `content`).
 */
@Injectable()
export class FlagHandler implements InboxHandler<Flag> {
  readonly type = Flag;

  constructor(
    private readonly inbox: InboxSupport,
    private readonly posts: RemotePostService,
    private readonly reports: ReportService,
  ) {}

  async handle(_ctx: InboxContext<void>, flag: Flag): Promise<void> {
    if (!flag.id) return void this.inbox.refuse(flag, 'a Flag needs an id');
    const reporter = await this.inbox.sender(flag);
    if (!reporter) return;
    const accounts: AccountEntity[] = [];
    const posts: PostEntity[] = [];
    for (const id of flag.objectIds.slice(0, MAX_REPORTED_OBJECTS)) {
      const account = await this.inbox.localAccount(id);
      if (account) {
        accounts.push(account);
        continue;
      }
      const postId = this.posts.localPostId(id.href);
      const post = postId ? await this.posts.findByReference(id.href) : null;
      if (post) posts.push(post);
    }
    const targetAccountId = accounts[0]?.id ?? posts[0]?.accountId;
    if (!targetAccountId) return void this.inbox.refuse(flag, 'names no local account or post');
    await this.reports.fileRemote({
      uri: flag.id.href,
      reporterId: reporter.id,
      sourceDomain: reporter.domain ?? new URL(reporter.uri!).host,
      targetAccountId,
      postIds: posts.filter((post) => post.accountId === targetAccountId).map((post) => post.id),
      comment: remoteText(flag.content) ?? '',
    });
    this.inbox.done(flag, 'report filed', { reporterId: reporter.id, targetAccountId });
  }
}
