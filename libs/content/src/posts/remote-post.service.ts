import { Injectable, Logger } from '@nestjs/common';
import { ConfigService, MarkdownRenderer } from '@guildhall/core';
import type { EntityManager } from 'typeorm';
import { AccountStateRepository, remoteActor, type RemoteActor } from '@guildhall/identity';
import { FollowService } from '@guildhall/social';
import type { RemoteMediaData } from '../media/remote-media';
import type { PostEntity, Visibility } from './post.entity';
import type { RemotePollData } from '../polls/poll-view';
import { PostRepository } from './post.repository';
import { PostService } from './post.service';
import { type PurgedContent, RemoteContentRepository } from './remote-content.repository';

/** What removing a deleted remote actor's footprint touched. */
export interface PurgedAccount extends PurgedContent {
  followsRemoved: number;
}

/** `${origin}/posts/<uuid>`: a local post's ActivityPub id. */
const LOCAL_POST_PATH = /^\/posts\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
/** A post dated later than this past arrival is dated at arrival (a wrong clock cannot pin it on top). */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** What a remote Note, Article, Page or Question says, already mapped to our terms. */
export interface RemotePostData {
  uri: string;
  url: string | null;
  authorId: string;
  /** An article's name; null for notes. */
  title: string | null;
  /** The remote HTML, sanitized here. */
  content: string;
  /** An article's excerpt (HTML or text, stored as text); null for notes. */
  summary: string | null;
  /** As `summary`; '' for "sensitive" without a warning text; null when not sensitive. */
  contentWarning: string | null;
  language: string | null;
  visibility: Visibility;
  /** The post replied to, when it is stored here (see `findByReference`). */
  inReplyTo: PostEntity | null;
  /** Local accounts the post mentions. */
  mentionedAccountIds: string[];
  /** Lower-cased, without '#'. */
  hashtags: string[];
  /** Its attachments, in order: links to the files on their server (never downloaded). */
  media: RemoteMediaData[];
  publishedAt: Date | null;
  /** A `Question`'s poll. */
  poll?: RemotePollData | null;
}

export type RemotePostEdit = Pick<
  RemotePostData,
  'title' | 'content' | 'summary' | 'contentWarning' | 'language' | 'mentionedAccountIds' | 'hashtags' | 'media'
> & { editedAt: Date | null };

/**
 * Posts that arrive over federation, translated for PostService's one write path (ADR 0024):
 * remote HTML sanitized, summaries and warnings made plain text, dates checked against the clock.
 * Storing, editing and tombstoning (counters, tags, mentions, media, events) are PostService's
 * `publish`, `revise` and `remove`. Callers (federation's inbox) decide whether the sender may;
 * the writes are idempotent on the post's ActivityPub id.
 */
@Injectable()
export class RemotePostService {
  private readonly logger = new Logger(RemotePostService.name);

  constructor(
    private readonly posts: PostRepository,
    private readonly postService: PostService,
    private readonly remoteContent: RemoteContentRepository,
    private readonly follows: FollowService,
    private readonly accountState: AccountStateRepository,
    private readonly renderer: MarkdownRenderer,
    private readonly config: ConfigService,
  ) {}

  /** A post by its ActivityPub id: a local post's `${origin}/posts/<id>`, or a stored remote post's uri. */
  findByReference(uri: string): Promise<PostEntity | null> {
    const local = this.localPostId(uri);
    if (local) return this.posts.findById(local);
    return this.posts.findByUri(uri);
  }

  /** The id of the local post `uri` names, or null when it names no local post. */
  localPostId(uri: string): string | null {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      return null;
    }
    if (url.origin !== this.config.values.publicOrigin) return null;
    return LOCAL_POST_PATH.exec(url.pathname)?.[1].toLowerCase() ?? null;
  }

  findVisible(id: string, viewerId: string): Promise<PostEntity | null> {
    return this.posts.findVisible(id, viewerId);
  }

  /** `findVisible` for many (post, viewer) pairs in one query: keyed `${postId} ${viewerId}`. */
  findVisiblePairs(pairs: readonly { postId: string; viewerId: string }[]): Promise<Map<string, PostEntity>> {
    return this.posts.findVisiblePairs(pairs);
  }

  /**
   * Stores the post unless its uri is stored already (a redelivery): null then. `PostPublished`
   * goes out with it, so mentions and replies notify local accounts. `activityUri`: the Create's id.
   */
  ingest(data: RemotePostData, activityUri: string | null = null): Promise<PostEntity | null> {
    const content = this.renderer.sanitize(data.content);
    const now = Date.now();
    const published =
      data.publishedAt && data.publishedAt.getTime() <= now + MAX_CLOCK_SKEW_MS ? data.publishedAt : null;
    return this.postService.publish(remoteActor(data.authorId, activityUri), {
      uri: data.uri,
      url: data.url,
      title: data.title,
      source: null,
      content,
      summary: data.title !== null ? (this.plain(data.summary) ?? this.postService.excerpt(content)) : null,
      contentWarning: this.plain(data.contentWarning),
      language: data.language,
      visibility: data.visibility,
      inReplyTo: data.inReplyTo,
      mentionedAccountIds: data.mentionedAccountIds,
      hashtags: data.hashtags,
      media: { remote: data.media },
      publishedAt: published,
      poll: data.poll ? { remote: data.poll } : null,
    });
  }

  /**
   * An edit by the author (`actor`, with the `Update`'s id): the previous version goes to the
   * post's history (its text: the history keeps no media, as for local edits), and the media list
   * is replaced. The post unchanged when it was deleted meanwhile.
   */
  async edit(actor: RemoteActor, post: PostEntity, edit: RemotePostEdit): Promise<PostEntity> {
    const content = this.renderer.sanitize(edit.content);
    const now = new Date();
    const editedAt = edit.editedAt && edit.editedAt.getTime() <= now.getTime() ? edit.editedAt : now;
    const revised = await this.postService.revise(actor, post.id, (current) => {
      const title = current.title === null ? null : (edit.title ?? current.title);
      return {
        content,
        title,
        summary: title !== null ? (this.plain(edit.summary) ?? this.postService.excerpt(content)) : null,
        contentWarning: this.plain(edit.contentWarning),
        language: edit.language ?? current.language,
        editedAt,
        mentionedAccountIds: edit.mentionedAccountIds,
        hashtags: edit.hashtags,
        media: edit.media,
      };
    });
    return revised ?? post;
  }

  /**
   * Tombstones a remote post as a local delete does (content erased, its remote media gone, boosts
   * of it gone, the parent's reply count and the author's post count down); false when it already
   * was or `actor` is not its author.
   */
  tombstone(actor: RemoteActor, post: PostEntity): Promise<boolean> {
    return this.postService.remove(actor, post);
  }

  /** Removes everything a remote account left here (its server deleted it) and suspends it. */
  async purgeAccount(accountId: string): Promise<PurgedAccount> {
    const purged = await this.remoteContent.transaction(async (manager): Promise<PurgedAccount> => {
      // The account row first: a concurrent like or follow by it waits, then finds it suspended.
      await this.accountState.lock(manager, [accountId]);
      const content = await this.remoteContent.purgeContent(manager, accountId);
      const followsRemoved = await this.follows.removeAllOf(manager, accountId);
      await this.accountState.retireRemote(manager, accountId);
      return { ...content, followsRemoved };
    });
    this.logger.log({
      msg: 'remote account purged',
      accountId,
      posts: purged.tombstonedPostIds.length,
      likes: purged.likesRemoved,
      follows: purged.followsRemoved,
    });
    return purged;
  }

  /**
   * A domain purge's content part, in its transaction (DomainPurgeRepository): before the
   * accounts are deleted, the local posts they touched are locked and their posts' ids read (the
   * caller clears what points at those without a cascade), and replies stop naming them.
   */
  async prepareAccountsPurge(
    manager: EntityManager,
    accountIds: readonly string[],
  ): Promise<{ touchedPostIds: string[]; ownPostIds: string[] }> {
    const touchedPostIds = await this.remoteContent.lockLocalPostsTouchedBy(manager, accountIds);
    const ownPostIds = await this.remoteContent.postIdsOf(manager, accountIds);
    await this.remoteContent.forgetRepliedAccounts(manager, accountIds);
    return { touchedPostIds, ownPostIds };
  }

  /** After a domain purge deleted the accounts: the counts of the local posts they touched, recounted. */
  recountPosts(manager: EntityManager, postIds: readonly string[]): Promise<void> {
    return this.remoteContent.recountPosts(manager, postIds);
  }

  /** Remote HTML as plain text (summaries and warnings are text here); null stays null. */
  private plain(html: string | null): string | null {
    return html === null ? null : this.renderer.toText(this.renderer.sanitize(html));
  }
}
