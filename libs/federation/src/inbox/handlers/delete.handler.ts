import type { InboxContext } from '@fedify/fedify';
import { Delete } from '@fedify/fedify/vocab';
import { Injectable } from '@nestjs/common';
import { EngagementService, RemotePostService } from '@guildhall/content';
import { remoteActor } from '@guildhall/identity';
import type { InboxHandler } from '../inbox-handler';
import { InboxSupport, sameHost } from '../inbox-support';
import { RemoteTombstoneRepository } from '../remote-tombstone.repository';

/**
 * `Delete` of a post (a Tombstone or a bare id) or of the actor itself. A deleted id is remembered
 * even when unknown here, so a Create that arrives after its Delete stays deleted. The actor is
 * never fetched: Deletes go to every server, and a deleted actor answers 410 anyway.
 */
@Injectable()
export class DeleteHandler implements InboxHandler<Delete> {
  readonly type = Delete;

  constructor(
    private readonly inbox: InboxSupport,
    private readonly posts: RemotePostService,
    private readonly engagement: EngagementService,
    private readonly tombstones: RemoteTombstoneRepository,
  ) {}

  async handle(_ctx: InboxContext<void>, del: Delete): Promise<void> {
    const objectId = del.objectId;
    const actorId = del.actorId;
    if (!objectId || !actorId) return void this.inbox.refuse(del, 'nothing to delete');
    if (objectId.href === actorId.href) {
      const account = await this.inbox.sender(del, { fetch: false });
      if (!account) return;
      const purged = await this.posts.purgeAccount(account.id);
      return this.inbox.done(del, 'actor deleted', { accountId: account.id, posts: purged.tombstonedPostIds.length });
    }
    if (!sameHost(objectId, actorId)) return void this.inbox.refuse(del, 'object id not on the actor host');
    if (objectId.origin === this.inbox.origin) return void this.inbox.refuse(del, 'a local object');
    // Remembered for this actor only: another actor's later Create of the id is not pre-empted.
    await this.tombstones.remember(objectId.href, actorId.href);
    const author = await this.inbox.sender(del, { fetch: false });
    if (!author) return;
    const post = await this.posts.findByReference(objectId.href);
    if (!post) return void this.inbox.refuse(del, 'object unknown here (remembered as deleted)');
    if (post.accountId !== author.id) return void this.inbox.refuse(del, 'only its author can delete a post');
    // A boost's id is its Announce's: Mastodon deletes an Announce to take a boost back.
    const actor = remoteActor(author.id, del.id?.href ?? null);
    const boosted = post.boostOfId ? await this.engagement.engagedByUri('boost', objectId.href, author.id) : null;
    const deleted = post.boostOfId
      ? boosted !== null && (await this.engagement.removeBoost(actor, boosted)) === 'changed'
      : await this.posts.tombstone(actor, post);
    this.inbox.done(del, deleted ? 'post deleted' : 'post already deleted', { postId: post.id });
  }
}
