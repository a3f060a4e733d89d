import type { InboxContext } from '@fedify/fedify';
import { Announce } from '@fedify/fedify/vocab';
import { Injectable } from '@nestjs/common';
import { EngagementService, RemotePostService, Visibility } from '@guildhall/content';
import { remoteActor } from '@guildhall/identity';
import type { InboxHandler } from '../inbox-handler';
import { InboxSupport } from '../inbox-support';
import { visibilityOf } from '../remote-note.mapper';

/**
 * `Announce` (a boost) of a local post, or of a remote post stored here, that the sender may see
 * and that can be boosted: a boost row of the sender's, whose visibility its addressing gives.
 */
@Injectable()
export class AnnounceHandler implements InboxHandler<Announce> {
  readonly type = Announce;

  constructor(
    private readonly inbox: InboxSupport,
    private readonly posts: RemotePostService,
    private readonly engagement: EngagementService,
  ) {}

  async handle(_ctx: InboxContext<void>, announce: Announce): Promise<void> {
    if (!announce.id) return void this.inbox.refuse(announce, 'an Announce needs an id');
    const sender = await this.inbox.sender(announce);
    if (!sender) return;
    const known = announce.objectId ? await this.posts.findByReference(announce.objectId.href) : null;
    const post = known && !known.boostOfId ? await this.posts.findVisible(known.id, sender.id) : null;
    if (!post) return void this.inbox.refuse(announce, 'post unknown here or not visible to the sender');
    const visibility = visibilityOf(announce, sender.followersUrl);
    if (visibility === Visibility.Direct) return void this.inbox.refuse(announce, 'a boost addressed to no audience');
    const outcome = await this.engagement.addBoost(remoteActor(sender.id, announce.id.href), post, visibility);
    this.inbox.done(announce, outcome === 'changed' ? 'post boosted' : 'boost not counted', {
      postId: post.id,
      accountId: sender.id,
    });
  }
}
