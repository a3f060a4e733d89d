import { Announce, Delete, Like, Tombstone, Undo, Update } from '@fedify/fedify/vocab';
import { Injectable } from '@nestjs/common';
import type { PostDeletedEvent, PostEngagementEvent, PostPublishedEvent, PostUpdatedEvent } from '@guildhall/core';
import { localPostUri, MediaCapabilities, Visibility } from '@guildhall/content';
import { actorUrls } from '../actors/actor.mapper';
import { CollectionRepository } from '../collections/collection.repository';
import { instant, localActorUri, toAnnounce, toCreate } from '../objects/activity-object.mapper';
import { addressing, toPostObject } from '../objects/post-object.mapper';
import { PostObjectRepository } from '../objects/post-object.repository';
import { ActivityIds } from './activity-ids';
import { OutboundAudienceRepository, type RemoteRecipientRow } from './outbound-audience.repository';
import { OutboundDelivery, type OutboundResult, skipped } from './outbound-delivery';

type VisibilityName = `${Visibility}`;

/**
 * Posts, boosts and likes as activities: Create, Update and Delete of a local post to its
 * audience; Announce and its Undo to the booster's followers and the original's author; Like and
 * its Undo to a remote post's author.
 */
@Injectable()
export class PostActivities {
  constructor(
    private readonly delivery: OutboundDelivery,
    private readonly audience: OutboundAudienceRepository,
    private readonly posts: PostObjectRepository,
    private readonly collections: CollectionRepository,
    private readonly media: MediaCapabilities,
  ) {}

  private get origin(): string {
    return this.delivery.origin;
  }

  /**
   * A post's remote audience: for DIRECT, only the mentioned; otherwise the author's followers
   * (`followers`, read while the post loads), the mentioned and the author of the post replied to.
   */
  private async postAudience(
    visibility: VisibilityName,
    followers: Promise<RemoteRecipientRow[]> | null,
    mentionedIds: string[],
    inReplyToAuthorId: string | null,
  ): Promise<RemoteRecipientRow[]> {
    if (visibility === 'direct' || !followers) return this.audience.remoteAccounts(mentionedIds);
    const others = inReplyToAuthorId ? [...mentionedIds, inReplyToAuthorId] : mentionedIds;
    const [rows, mentioned] = await Promise.all([followers, this.audience.remoteAccounts(others)]);
    return [...rows, ...mentioned];
  }

  /** The followers query of a post's audience, started early (null for DIRECT). */
  private followersOf(authorId: string, visibility: VisibilityName): Promise<RemoteRecipientRow[]> | null {
    if (visibility === 'direct') return null;
    const rows = this.audience.remoteFollowerInboxes(authorId);
    rows.catch(() => undefined); // awaited later; not an unhandled rejection meanwhile
    return rows;
  }

  /**
   * A living local post and its object, or why there is nothing to send. `hint`: the author and
   * visibility the event announced, to start reading the followers before the post row arrives
   * (read again if the row says otherwise).
   */
  private async living(postId: string, hint?: { authorId: string; visibility: VisibilityName }) {
    const early = hint ? this.followersOf(hint.authorId, hint.visibility) : null;
    const post = await this.posts.findLocalPost(postId);
    if (!post || post.deletedAt || post.boostOfId) return null;
    // The followers (10,000 rows for a popular account) are read while the post loads.
    // Only whether it is DIRECT decides if followers are read.
    const sameAudience =
      hint?.authorId === post.accountId && (hint.visibility === 'direct') === (post.visibility === Visibility.Direct);
    const followers = sameAudience ? early : this.followersOf(post.accountId, post.visibility);
    const data = await this.posts.load(post);
    if (!data || data.author.domain !== null) return null;
    const object = toPostObject(this.origin, data, this.media);
    const rows = await this.postAudience(
      post.visibility,
      followers,
      data.mentions.map((account) => account.id),
      post.inReplyToAccountId,
    );
    return { post, data, object, rows };
  }

  async published(event: PostPublishedEvent): Promise<OutboundResult> {
    const found = await this.living(event.postId, event);
    if (!found) return skipped('post gone');
    const { post, data, object, rows } = found;
    const create = toCreate(this.origin, data.author.username, object, post);
    return this.delivery.send(data.author.username, rows, create, {
      shared: post.visibility !== Visibility.Direct,
    });
  }

  async updated(event: PostUpdatedEvent, at: number): Promise<OutboundResult> {
    const found = await this.living(event.postId);
    if (!found) return skipped('post gone');
    const { post, data, object, rows } = found;
    const update = new Update({
      id: ActivityIds.update(this.origin, post.id, at),
      actor: localActorUri(this.origin, data.author.username),
      object,
      tos: object.toIds,
      ccs: object.ccIds,
      updated: instant(post.editedAt ?? at),
    });
    return this.delivery.send(data.author.username, rows, update, {
      shared: post.visibility !== Visibility.Direct,
    });
  }

  /** Delete(Tombstone) to the audience still known once the content is erased; a boost's delete is an unboost. */
  async deleted(event: PostDeletedEvent): Promise<OutboundResult> {
    if (event.boostOfId) {
      return this.unboosted({ engagementId: event.postId, postId: event.boostOfId, accountId: event.authorId });
    }
    const author = await this.audience.account(event.authorId);
    const post = await this.audience.post(event.postId);
    if (!author || author.domain !== null || !post?.local) return skipped('not a local post');
    const visibility = event.visibility ?? post.visibility;
    const mentionedIds = event.mentionedAccountIds ?? [];
    const rows = await this.postAudience(
      visibility,
      this.followersOf(author.id, visibility),
      mentionedIds,
      event.inReplyToAuthorId ?? null,
    );
    const mentioned = await this.audience.remoteAccounts(mentionedIds);
    const id = new URL(localPostUri(this.origin, post.id));
    const { tos, ccs } = addressing(
      visibility,
      actorUrls(this.origin, author.username).followers,
      mentioned.map((row) => new URL(row.uri)),
    );
    const remove = new Delete({
      id: ActivityIds.delete(this.origin, post.id),
      actor: localActorUri(this.origin, author.username),
      object: new Tombstone({ id }),
      tos,
      ccs,
    });
    return this.delivery.send(author.username, rows, remove, {
      shared: visibility !== 'direct',
    });
  }

  /** The Announce of a boost (alive or not: an Undo names it too) and who hears of it. */
  private async announce(event: Pick<PostEngagementEvent, 'engagementId' | 'postId' | 'accountId'>) {
    const booster = await this.audience.account(event.accountId);
    const boost = await this.audience.post(event.engagementId);
    const original = (await this.collections.boosted([event.postId])).get(event.postId);
    if (!booster || booster.domain !== null || !boost || !original) return null;
    const announce = toAnnounce(this.origin, booster.username, boost, original);
    if (!announce) return null;
    const author = await this.audience.remoteAccounts([original.authorId]);
    const rows = [...(await this.audience.remoteFollowerInboxes(booster.id)), ...author];
    return { booster, boost, announce, rows };
  }

  async boosted(event: PostEngagementEvent): Promise<OutboundResult> {
    const found = await this.announce(event);
    if (!found) return skipped('boost or post gone');
    if (found.boost.deletedAt) return skipped('boost already undone');
    return this.delivery.send(found.booster.username, found.rows, found.announce, { shared: true });
  }

  async unboosted(event: Pick<PostEngagementEvent, 'engagementId' | 'postId' | 'accountId'>): Promise<OutboundResult> {
    const found = await this.announce(event);
    if (!found) return skipped('boost or post gone');
    const { booster, announce, rows } = found;
    const undo = new Undo({
      id: ActivityIds.undoAnnounce(this.origin, found.boost.id),
      actor: localActorUri(this.origin, booster.username),
      object: new Announce({ id: announce.id, actor: announce.actorId, object: announce.objectId }),
      tos: announce.toIds,
      ccs: announce.ccIds,
    });
    return this.delivery.send(booster.username, rows, undo, { shared: true });
  }

  /** A local account's Like of a remote post, and what names it. */
  private async like(event: PostEngagementEvent) {
    const liker = await this.audience.account(event.accountId);
    const post = await this.audience.post(event.postId);
    if (!liker || liker.domain !== null || !post || post.local || !post.uri) return null;
    const [author] = await this.audience.remoteAccounts([post.accountId]);
    if (!author) return null;
    const like = new Like({
      id: ActivityIds.like(this.origin, liker.username, event.engagementId),
      actor: localActorUri(this.origin, liker.username),
      object: new URL(post.uri),
      to: new URL(author.uri),
    });
    return { liker, author, like };
  }

  async liked(event: PostEngagementEvent): Promise<OutboundResult> {
    const found = await this.like(event);
    if (!found) return skipped('not a remote post we can reach');
    return this.delivery.send(found.liker.username, [found.author], found.like, { shared: false });
  }

  async unliked(event: PostEngagementEvent): Promise<OutboundResult> {
    const found = await this.like(event);
    if (!found) return skipped('not a remote post we can reach');
    const { liker, author, like } = found;
    const undo = new Undo({
      id: ActivityIds.undoLike(this.origin, liker.username, event.engagementId),
      actor: like.actorId,
      object: like,
      to: new URL(author.uri),
    });
    return this.delivery.send(liker.username, [author], undo, { shared: false });
  }
}
