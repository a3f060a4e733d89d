import { Injectable, Logger } from '@nestjs/common';
import { ConfigService, DomainEvent, DomainEventBus, MarkdownRenderer, uuidv7 } from '@guildhall/core';
import type { RemoteMediaData } from '../media/remote-media';
import { PostEntity, Visibility } from './post.entity';
import { PostAttachments } from './post-attachments';
import { PollService } from '../polls/poll.service';
import type { RemotePollData } from '../polls/poll-view';
import { PostRepository } from './post.repository';
import { countsAsReply, tombstonePost } from './post-tombstone';
import { type PurgedAccount, RemoteContentRepository } from './remote-content.repository';

/** `${origin}/posts/<uuid>`: a local post's ActivityPub id. */
const LOCAL_POST_PATH = /^\/posts\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
const EXCERPT_LENGTH = 280;
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
 * Posts that arrive over federation: stored, edited and tombstoned with the same counters, tags,
 * mentions and events as local ones. Callers (federation's inbox) decide whether the sender may;
 * this service keeps the writes idempotent on the post's ActivityPub id.
 */
@Injectable()
export class RemotePostService {
  private readonly logger = new Logger(RemotePostService.name);

  constructor(
    private readonly posts: PostRepository,
    private readonly remoteContent: RemoteContentRepository,
    private readonly renderer: MarkdownRenderer,
    private readonly config: ConfigService,
    private readonly events: DomainEventBus,
    private readonly attachments: PostAttachments,
    private readonly polls: PollService,
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

  /**
   * Stores the post unless its uri is stored already (a redelivery): null then. After commit,
   * `PostPublished` goes out, so mentions and replies notify local accounts.
   */
  async ingest(data: RemotePostData): Promise<PostEntity | null> {
    const id = uuidv7();
    const content = this.renderer.sanitize(data.content);
    const now = Date.now();
    const published =
      data.publishedAt && data.publishedAt.getTime() <= now + MAX_CLOCK_SKEW_MS ? data.publishedAt : null;
    const parent = data.inReplyTo;
    const post = await this.posts.transaction(async (manager) => {
      const created = await this.posts.insertRemote(manager, {
        id,
        uri: data.uri,
        url: data.url,
        accountId: data.authorId,
        local: false,
        title: data.title,
        source: null,
        content,
        summary: data.title !== null ? (this.plain(data.summary) ?? this.excerpt(content)) : null,
        contentWarning: this.plain(data.contentWarning),
        language: data.language,
        visibility: data.visibility,
        inReplyToId: parent?.id ?? null,
        inReplyToAccountId: parent?.accountId ?? null,
        ...(published ? { createdAt: published, updatedAt: published } : {}),
      });
      if (!created) return null;
      await this.posts.addMentions(manager, id, data.mentionedAccountIds);
      await this.posts.setHashtags(manager, id, data.hashtags);
      await this.attachments.replaceRemote(manager, data.authorId, id, data.media);
      if (data.poll) await this.polls.attachRemote(manager, id, data.authorId, data.poll);
      if (parent && countsAsReply(created)) await this.posts.adjustRepliesCount(manager, parent.id, 1);
      await this.posts.adjustAuthorPostsCount(manager, data.authorId, 1);
      await this.events.publish(manager, DomainEvent.PostPublished, {
        postId: id,
        authorId: data.authorId,
        visibility: created.visibility,
        inReplyToId: created.inReplyToId,
        inReplyToAuthorId: created.inReplyToAccountId,
        mentionedAccountIds: data.mentionedAccountIds.filter((accountId) => accountId !== data.authorId),
        isArticle: created.title !== null,
        local: false,
      });
      return created;
    });
    if (!post) return null;
    this.logger.log({ msg: 'remote post stored', postId: id, uri: data.uri });
    return post;
  }

  /**
   * An edit by the author (an `Update`): the previous version goes to the post's history (its
   * text: the history keeps no media, as for local edits), and the media list is replaced.
   */
  async edit(post: PostEntity, edit: RemotePostEdit): Promise<PostEntity> {
    const content = this.renderer.sanitize(edit.content);
    const now = new Date();
    const editedAt = edit.editedAt && edit.editedAt.getTime() <= now.getTime() ? edit.editedAt : now;
    const title = post.title === null ? null : (edit.title ?? post.title);
    await this.posts.transaction(async (manager) => {
      const locked = await manager
        .getRepository(PostEntity)
        .createQueryBuilder('p')
        .setLock('pessimistic_write')
        .where('p.id = :id', { id: post.id })
        .getOne();
      if (!locked || locked.deletedAt) return;
      await this.posts.saveEdit(manager, locked, locked.editedAt ?? locked.createdAt);
      await this.posts.update(manager, post.id, {
        content,
        title,
        summary: title !== null ? (this.plain(edit.summary) ?? this.excerpt(content)) : null,
        contentWarning: this.plain(edit.contentWarning),
        language: edit.language ?? locked.language,
        editedAt,
        updatedAt: now,
      });
      const added = await this.posts.addMentions(manager, post.id, edit.mentionedAccountIds);
      await this.posts.setHashtags(manager, post.id, edit.hashtags);
      await this.attachments.replaceRemote(manager, post.accountId, post.id, edit.media);
      await this.events.publish(manager, DomainEvent.PostUpdated, {
        postId: post.id,
        authorId: post.accountId,
        newlyMentionedAccountIds: added.filter((accountId) => accountId !== post.accountId),
        local: false,
      });
    });
    return (await this.posts.findById(post.id)) ?? post;
  }

  /**
   * Tombstones a remote post as a local delete does (content erased, its remote media gone, boosts
   * of it gone, the parent's reply count and the author's post count down); false when it already
   * was.
   */
  async tombstone(post: PostEntity): Promise<boolean> {
    const deleted = await this.posts.transaction(async (manager) => {
      const tombstoned = await tombstonePost(this.posts, manager, post.id);
      if (!tombstoned) return null;
      await this.events.publish(manager, DomainEvent.PostDeleted, {
        postId: post.id,
        authorId: post.accountId,
        publishedAt: tombstoned.createdAt.toISOString(),
        local: false,
        boostOfId: null,
        visibility: tombstoned.visibility,
        inReplyToAuthorId: tombstoned.inReplyToAccountId,
        mentionedAccountIds: [],
      });
      return tombstoned;
    });
    if (!deleted) return false;
    this.logger.log({ msg: 'remote post deleted', postId: post.id });
    return true;
  }

  /** Removes everything a remote account left here (its server deleted it) and suspends it. */
  async purgeAccount(accountId: string): Promise<PurgedAccount> {
    const purged = await this.remoteContent.purgeAccount(accountId);
    this.logger.log({
      msg: 'remote account purged',
      accountId,
      posts: purged.tombstonedPostIds.length,
      likes: purged.likesRemoved,
      follows: purged.followsRemoved,
    });
    return purged;
  }

  /** Remote HTML as plain text (summaries and warnings are text here); null stays null. */
  private plain(html: string | null): string | null {
    return html === null ? null : this.renderer.toText(this.renderer.sanitize(html));
  }

  private excerpt(html: string): string {
    const text = this.renderer.toText(html).replace(/\s+/g, ' ');
    return text.length <= EXCERPT_LENGTH ? text : `${text.slice(0, EXCERPT_LENGTH - 1).trimEnd()}…`;
  }
}
