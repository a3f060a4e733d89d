import { Injectable, Logger } from '@nestjs/common';
import {
  ConfigService,
  DomainEvent,
  DomainEventBus,
  MarkdownRenderer,
  RateLimiterService,
  extractHashtags,
  extractMentions,
  uuidv7,
} from '@guildhall/core';
import { AccountRepository, Role, StaffAuthority, type AuthContext } from '@guildhall/identity';
import type { CreatePostInput } from './dto/create-post.input';
import { ARTICLE_MAX_LENGTH, NOTE_MAX_LENGTH } from './dto/create-post.input';
import type { UpdatePostInput } from './dto/update-post.input';
import { ContentErrorCode, ContentException } from '../content.exception';
import { PostEntity, Visibility } from './post.entity';
import { PostRepository } from './post.repository';
import { PostAttachments } from './post-attachments';
import { countsAsReply, tombstonePost } from './post-tombstone';

/** 300 posts per 3 hours per account, as Mastodon. */
const POST_LIMIT = { max: 300, windowSeconds: 3 * 3600 };
/** Mentions kept per post (remote posts too: see remote-note.mapper). */
export const MAX_MENTIONS = 50;

const EXCERPT_LENGTH = 280;
/** How long an `Idempotency-Key` names its post (Mastodon: one hour). */
export const IDEMPOTENCY_TTL_SECONDS = 3600;

export interface CreatePostOptions {
  /**
   * A client's `Idempotency-Key`: the same key from the same author within an hour returns the
   * post it made the first time, and publishes nothing.
   */
  idempotencyKey?: string;
}

/** Thrown inside the transaction when a concurrent request claimed the key first: rolls back. */
class IdempotentReplay extends Error {}

@Injectable()
export class PostService {
  private readonly logger = new Logger(PostService.name);

  constructor(
    private readonly posts: PostRepository,
    private readonly accounts: AccountRepository,
    private readonly renderer: MarkdownRenderer,
    private readonly config: ConfigService,
    private readonly events: DomainEventBus,
    private readonly rateLimiter: RateLimiterService,
    private readonly attachments: PostAttachments,
    private readonly staff: StaffAuthority,
  ) {}

  private get origin(): string {
    return this.config.values.publicOrigin;
  }

  private async limitWrites(accountId: string): Promise<void> {
    await this.rateLimiter.consume(
      `posts:${accountId}`,
      POST_LIMIT,
      (retryAfterSeconds) =>
        new ContentException(ContentErrorCode.RateLimited, 'Too many posts; try again later', { retryAfterSeconds }),
    );
  }

  /** `withMedia`: a note that carries media may have no text (as on Mastodon). */
  private checkLength(content: string, isArticle: boolean, withMedia = false): void {
    const max = isArticle ? ARTICLE_MAX_LENGTH : NOTE_MAX_LENGTH;
    if (content.trim().length === 0 && !(withMedia && !isArticle))
      throw new ContentException(ContentErrorCode.InvalidContent, 'content must not be empty');
    if (content.length > max) {
      throw new ContentException(
        ContentErrorCode.InvalidContent,
        `content must be at most ${max} characters for ${isArticle ? 'an article' : 'a note'}`,
      );
    }
  }

  /** Renders Markdown with mentions resolved to accounts this server knows. */
  private async render(source: string) {
    const refs = extractMentions(source).slice(0, MAX_MENTIONS);
    const mentioned = await this.accounts.findByHandles(refs);
    const links = new Map<string, string>();
    for (const account of mentioned) {
      const key = account.domain ? `${account.username}@${account.domain}`.toLowerCase() : account.username;
      links.set(key, account.domain ? (account.url ?? account.uri ?? '') : `${this.origin}/@${account.username}`);
      // "@alice@our.host" names a local account too.
      if (!account.domain)
        links.set(`${account.username}@${new URL(this.origin).host}`, `${this.origin}/@${account.username}`);
    }
    const content = this.renderer.render(source, {
      mentions: links,
      hashtagUrl: (tag) => `${this.origin}/tags/${encodeURIComponent(tag)}`,
    });
    return { content, mentionedIds: mentioned.map((a) => a.id), hashtags: extractHashtags(source) };
  }

  private excerpt(html: string): string {
    const text = this.renderer.toText(html).replace(/\s+/g, ' ');
    return text.length <= EXCERPT_LENGTH ? text : `${text.slice(0, EXCERPT_LENGTH - 1).trimEnd()}…`;
  }

  /** Publishes a note or an article as `author` (a signed-in member, or a scheduled post's author). */
  async create(
    author: Pick<AuthContext, 'accountId'>,
    input: CreatePostInput,
    options: CreatePostOptions = {},
  ): Promise<PostEntity> {
    const key = options.idempotencyKey;
    if (key) {
      const earlier = await this.idempotentPost(author.accountId, key);
      if (earlier) return earlier;
    }
    try {
      return await this.publish(author, input, key);
    } catch (error) {
      if (!(error instanceof IdempotentReplay) || !key) throw error;
      const earlier = await this.idempotentPost(author.accountId, key);
      if (!earlier) throw new ContentException(ContentErrorCode.PostNotFound, 'No such post');
      return earlier;
    }
  }

  /** Forgets idempotency keys past their hour (an hourly job). */
  purgeExpiredIdempotencyKeys(): Promise<void> {
    return this.posts.purgeIdempotencyKeys(IDEMPOTENCY_TTL_SECONDS);
  }

  private async idempotentPost(accountId: string, key: string): Promise<PostEntity | null> {
    const postId = await this.posts.findIdempotentPostId(accountId, key, IDEMPOTENCY_TTL_SECONDS);
    return postId ? this.posts.findById(postId) : null;
  }

  /**
   * What create() would refuse, without publishing: the length, and the post replied to. For a
   * post to publish later (the reply's visibility is checked again then).
   */
  async check(author: Pick<AuthContext, 'accountId'>, input: CreatePostInput): Promise<void> {
    this.checkLength(input.content, Boolean(input.title), Boolean(input.mediaIds?.length));
    if (input.inReplyToId && !(await this.posts.findVisible(input.inReplyToId, author.accountId))) {
      throw new ContentException(ContentErrorCode.PostNotFound, 'The post replied to does not exist or is not visible');
    }
  }

  private async publish(
    auth: Pick<AuthContext, 'accountId'>,
    input: CreatePostInput,
    idempotencyKey: string | undefined,
  ): Promise<PostEntity> {
    const isArticle = Boolean(input.title);
    this.checkLength(input.content, isArticle, Boolean(input.mediaIds?.length));
    await this.limitWrites(auth.accountId);
    let parent: PostEntity | null = null;
    if (input.inReplyToId) {
      parent = await this.posts.findVisible(input.inReplyToId, auth.accountId);
      if (parent?.boostOfId) parent = await this.posts.findVisible(parent.boostOfId, auth.accountId);
      if (!parent)
        throw new ContentException(
          ContentErrorCode.PostNotFound,
          'The post replied to does not exist or is not visible',
        );
    }
    const rendered = await this.render(input.content);
    const id = uuidv7();
    const post = await this.posts.transaction(async (manager) => {
      if (
        idempotencyKey &&
        !(await this.posts.claimIdempotencyKey(manager, auth.accountId, idempotencyKey, id, IDEMPOTENCY_TTL_SECONDS))
      ) {
        throw new IdempotentReplay();
      }
      const created = await this.posts.insert(manager, {
        id,
        accountId: auth.accountId,
        local: true,
        title: input.title ?? null,
        source: input.content,
        content: rendered.content,
        summary: isArticle ? (input.summary ?? this.excerpt(rendered.content)) : (input.summary ?? null),
        contentWarning: input.contentWarning ?? null,
        language: input.language ?? null,
        visibility: (input.visibility ?? Visibility.Public) as unknown as Visibility,
        inReplyToId: parent?.id ?? null,
        inReplyToAccountId: parent?.accountId ?? null,
      });
      await this.posts.addMentions(manager, id, rendered.mentionedIds);
      await this.posts.setHashtags(manager, id, rendered.hashtags);
      if (input.mediaIds?.length) await this.attachments.attach(manager, auth.accountId, id, input.mediaIds);
      if (parent && countsAsReply(created)) await this.posts.adjustRepliesCount(manager, parent.id, 1);
      await this.posts.adjustAuthorPostsCount(manager, auth.accountId, 1);
      await this.events.publish(manager, DomainEvent.PostPublished, {
        postId: id,
        authorId: auth.accountId,
        visibility: created.visibility,
        inReplyToId: created.inReplyToId,
        inReplyToAuthorId: created.inReplyToAccountId,
        mentionedAccountIds: rendered.mentionedIds.filter((accountId) => accountId !== auth.accountId),
        isArticle,
        local: true,
      });
      return created;
    });
    this.logger.log({ msg: 'post published', postId: id, article: isArticle });
    return post;
  }

  /**
   * The author's own post, for a write; NOT_FOUND if invisible or gone, FORBIDDEN if someone else's.
   * With `allowModerators`, staff may act on others' posts by the staff rule (StaffAuthority):
   * admins on anyone's, moderators on non-staff accounts' only.
   */
  private async ownPost(auth: AuthContext, id: string, allowModerators: boolean): Promise<PostEntity> {
    const post = await this.posts.findVisible(id, auth.accountId);
    if (!post) throw new ContentException(ContentErrorCode.PostNotFound, 'No such post');
    if (post.accountId === auth.accountId) return post;
    if (allowModerators && (await this.staff.mayModerate(auth, post.accountId))) return post;
    throw new ContentException(
      ContentErrorCode.NotAuthor,
      allowModerators && auth.role === Role.Moderator
        ? "Only an admin may act on a moderator's or an admin's post"
        : 'Only the author can do that',
    );
  }

  /**
   * Edits the author's post. `options.mediaIds` (the Mastodon API's edit) makes the post's uploads
   * that list, in order; a note with media may then have no text. `options.sensitive` marks or
   * unmarks the post sensitive without a warning text (an empty warning, as remote posts have).
   */
  async update(
    auth: AuthContext,
    id: string,
    input: UpdatePostInput,
    options: { mediaIds?: string[]; sensitive?: boolean } = {},
  ): Promise<PostEntity> {
    const post = await this.ownPost(auth, id, false);
    if (post.boostOfId) throw new ContentException(ContentErrorCode.InvalidContent, 'A boost cannot be edited');
    if (input.title !== undefined && input.title !== null && post.title === null) {
      throw new ContentException(ContentErrorCode.InvalidContent, 'A note cannot become an article');
    }
    const source = input.content ?? post.source ?? '';
    const withMedia = options.mediaIds ? options.mediaIds.length > 0 : await this.hasUploads(post.id);
    this.checkLength(source, post.title !== null, withMedia);
    await this.limitWrites(auth.accountId);
    const rendered = await this.render(source);
    const now = new Date();
    await this.posts.transaction(async (manager) => {
      await this.posts.saveEdit(manager, post, post.editedAt ?? post.createdAt);
      const title = post.title === null ? null : (input.title ?? post.title);
      await this.posts.update(manager, id, {
        source,
        content: rendered.content,
        title,
        summary:
          input.summary !== undefined && input.summary !== null
            ? input.summary
            : title
              ? this.excerpt(rendered.content)
              : post.summary,
        contentWarning: sensitiveWarning(
          input.contentWarning === undefined || input.contentWarning === null
            ? post.contentWarning
            : input.contentWarning || null,
          options.sensitive,
        ),
        language: input.language ?? post.language,
        editedAt: now,
        updatedAt: now,
      });
      if (options.mediaIds) await this.attachments.replace(manager, auth.accountId, id, options.mediaIds);
      const newlyMentioned = await this.posts.addMentions(manager, id, rendered.mentionedIds);
      await this.posts.setHashtags(manager, id, rendered.hashtags);
      await this.events.publish(manager, DomainEvent.PostUpdated, {
        postId: id,
        authorId: post.accountId,
        newlyMentionedAccountIds: newlyMentioned.filter((accountId) => accountId !== post.accountId),
        local: post.local,
      });
    });
    return (await this.posts.findById(id))!;
  }

  private async hasUploads(postId: string): Promise<boolean> {
    return (await this.posts.transaction((manager) => this.attachments.uploadIds(manager, postId))).length > 0;
  }

  /** Tombstones the post: its content is erased, it leaves every read path, counts follow. */
  async delete(auth: AuthContext, id: string): Promise<boolean> {
    const post = await this.ownPost(auth, id, true);
    const purged = await this.posts.transaction(async (manager) => {
      // Lock order as in unboost (the original first, then the boost) so the two cannot deadlock.
      if (post.boostOfId) await manager.query('SELECT id FROM posts WHERE id = $1 FOR UPDATE', [post.boostOfId]);
      const locked = await tombstonePost(this.posts, manager, id);
      if (!locked) throw new ContentException(ContentErrorCode.PostNotFound, 'No such post');
      await this.events.publish(manager, DomainEvent.PostDeleted, {
        postId: id,
        authorId: post.accountId,
        publishedAt: post.createdAt.toISOString(),
        local: post.local,
        boostOfId: post.boostOfId,
        visibility: post.visibility,
        inReplyToAuthorId: post.inReplyToAccountId,
        // Mentions outlive the erased content: the audience federation must reach.
        mentionedAccountIds: post.boostOfId ? [] : await this.posts.mentionedAccountIds(id, manager),
      });
      // Its images go with it (ADR 0019): nothing of a deleted post stays servable.
      return this.attachments.purge(manager, id);
    });
    await this.attachments.removeStored(purged);
    return true;
  }
}

/** A post's warning with Mastodon's `sensitive`: '' is "sensitive, no warning text". */
function sensitiveWarning(warning: string | null, sensitive: boolean | undefined): string | null {
  if (sensitive === true && warning === null) return '';
  if (sensitive === false && warning === '') return null;
  return warning;
}
