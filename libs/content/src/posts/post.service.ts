import { Injectable, Logger } from '@nestjs/common';
import { DomainEvent, DomainEventBus, RateLimiterService, uuidv7 } from '@guildhall/core';
import { Role, StaffAuthority, localActor, type Actor, type AuthContext } from '@guildhall/identity';
import type { RemoteMediaData } from '../media/remote-media';
import type { CreatePostInput } from './dto/create-post.input';
import type { UpdatePostInput } from './dto/update-post.input';
import { ContentErrorCode, ContentException } from '../content.exception';
import { PostEntity } from './post.entity';
import { PostRepository } from './post.repository';
import { PostAttachments } from './post-attachments';
import { PollService } from '../polls/poll.service';
import { countsAsReply, tombstonePost } from './post-tombstone';
import { type CreatePostOptions, PostIdempotency } from './post-idempotency';
import { LocalPostDrafts } from './local-post-drafts';
import type { PostDraft } from './post-draft';
import type { CreatePollInput } from '../polls/dto/create-poll.input';
import type { NewPoll } from '../polls/poll-rules';

/** 300 posts per 3 hours per account, as Mastodon. */
const POST_LIMIT = { max: 300, windowSeconds: 3 * 3600 };

/** An edit's new values, computed from the post as it is under the edit's row lock. */
export interface PostRevision {
  title: string | null;
  /** Left as it is when undefined (a remote post has no source). */
  source?: string | null;
  content: string;
  summary: string | null;
  contentWarning: string | null;
  language: string | null;
  editedAt: Date;
  mentionedAccountIds: string[];
  hashtags: string[];
  /** A remote post's media list, replaced; undefined leaves the attachments alone. */
  media?: readonly RemoteMediaData[];
  /** A local post's uploads (ids, in order), replaced; undefined leaves them alone. */
  uploads?: string[];
  /** A local post's poll (checked), replaced; null removes it, undefined leaves it alone. */
  poll?: NewPoll | null;
}

@Injectable()
export class PostService {
  private readonly logger = new Logger(PostService.name);

  constructor(
    private readonly posts: PostRepository,
    private readonly events: DomainEventBus,
    private readonly rateLimiter: RateLimiterService,
    private readonly attachments: PostAttachments,
    private readonly staff: StaffAuthority,
    private readonly polls: PollService,
    private readonly drafts: LocalPostDrafts,
    private readonly idempotency: PostIdempotency,
  ) {}

  private async limitWrites(accountId: string): Promise<void> {
    await this.rateLimiter.consume(
      `posts:${accountId}`,
      POST_LIMIT,
      (retryAfterSeconds) =>
        new ContentException(ContentErrorCode.RateLimited, 'Too many posts; try again later', { retryAfterSeconds }),
    );
  }

  /** An article's summary when its author gave none: the start of its text (local and remote articles alike). */
  excerpt(html: string): string {
    return this.drafts.excerpt(html);
  }

  /** Publishes a note or an article as `author` (a signed-in member, or a scheduled post's author). */
  create(
    author: Pick<AuthContext, 'accountId'>,
    input: CreatePostInput,
    options: CreatePostOptions = {},
  ): Promise<PostEntity> {
    const key = options.idempotencyKey;
    return this.idempotency.once(author.accountId, key, () => this.createLocal(author, input, key));
  }

  /** Forgets idempotency keys past their hour (an hourly job). */
  purgeExpiredIdempotencyKeys(): Promise<void> {
    return this.idempotency.purgeExpired();
  }

  /**
   * What create() would refuse, without publishing: the length, the poll, and the post replied
   * to. For a post to publish later (the reply's visibility is checked again then); its poll as
   * the rules leave it (options trimmed), null without one.
   */
  async check(author: Pick<AuthContext, 'accountId'>, input: CreatePostInput): Promise<NewPoll | null> {
    const { poll } = this.drafts.check(input);
    if (input.inReplyToId && !(await this.posts.findVisible(input.inReplyToId, author.accountId))) {
      throw new ContentException(ContentErrorCode.PostNotFound, 'The post replied to does not exist or is not visible');
    }
    return poll;
  }

  private async createLocal(
    auth: Pick<AuthContext, 'accountId'>,
    input: CreatePostInput,
    idempotencyKey: string | undefined,
  ): Promise<PostEntity> {
    const checked = this.drafts.check(input);
    await this.limitWrites(auth.accountId);
    const post = await this.publish(
      localActor(auth.accountId),
      await this.drafts.draft(auth, input, checked, idempotencyKey),
    );
    // A local post has no uri, so it cannot be a redelivery.
    if (!post) throw new Error('a local post was not stored');
    return post;
  }

  /**
   * The one write path of a new post (ADR 0024), local or remote: the row (skipped when a remote
   * post's uri is stored already: null then), mentions, hashtags, media, the parent's reply count,
   * the author's post count and `PostPublished`, in one transaction. A local draft's
   * `idempotencyKey` is claimed in the same transaction; a concurrent claim rolls it back
   * (IdempotentReplay, which create() answers with the first post).
   */
  async publish(actor: Actor, draft: PostDraft): Promise<PostEntity | null> {
    if ((actor.kind === 'remote') !== (draft.uri !== null)) {
      throw new Error('a remote post needs its ActivityPub id, a local one has none');
    }
    const idempotencyKey = actor.kind === 'local' ? draft.idempotencyKey : undefined;
    const id = uuidv7();
    const parent = draft.inReplyTo;
    const published = draft.publishedAt;
    const post = await this.posts.transaction(async (manager) => {
      if (idempotencyKey) await this.idempotency.claim(manager, actor.accountId, idempotencyKey, id);
      const created = await this.posts.insert(manager, {
        id,
        uri: draft.uri,
        url: draft.url,
        accountId: actor.accountId,
        local: actor.kind === 'local',
        title: draft.title,
        source: draft.source,
        content: draft.content,
        summary: draft.summary,
        contentWarning: draft.contentWarning,
        language: draft.language,
        visibility: draft.visibility,
        inReplyToId: parent?.id ?? null,
        inReplyToAccountId: parent?.accountId ?? null,
        ...(published ? { createdAt: published, updatedAt: published } : {}),
      });
      if (!created) return null;
      await this.posts.addMentions(manager, id, draft.mentionedAccountIds);
      await this.posts.setHashtags(manager, id, draft.hashtags);
      if ('remote' in draft.media) {
        await this.attachments.replaceRemote(manager, actor.accountId, id, draft.media.remote);
      } else if (draft.media.uploads.length) {
        await this.attachments.attach(manager, actor.accountId, id, draft.media.uploads);
      }
      if (draft.poll) await this.polls.attachTo(manager, id, actor.accountId, draft.poll, created.createdAt);
      if (parent && countsAsReply(created)) await this.posts.adjustRepliesCount(manager, parent.id, 1);
      await this.posts.adjustAuthorPostsCount(manager, actor.accountId, 1);
      await this.events.publish(manager, DomainEvent.PostPublished, {
        postId: id,
        authorId: actor.accountId,
        visibility: created.visibility,
        inReplyToId: created.inReplyToId,
        inReplyToAuthorId: created.inReplyToAccountId,
        mentionedAccountIds: draft.mentionedAccountIds.filter((accountId) => accountId !== actor.accountId),
        isArticle: created.title !== null,
        local: created.local,
      });
      return created;
    });
    if (post) this.logger.log({ msg: 'post published', postId: id, local: post.local, article: post.title !== null });
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
   * `options.poll` (the Mastodon API's edit, which sends the whole status: null removes the poll)
   * or `input.poll` (GraphQL: absent leaves it) replaces the poll by Mastodon's rules
   * (PollService.revise: votes void when the options change); a changed poll federates with the
   * edit, as an Update of the Question.
   */
  async update(
    auth: AuthContext,
    id: string,
    input: UpdatePostInput,
    options: { mediaIds?: string[]; sensitive?: boolean; poll?: CreatePollInput | null } = {},
  ): Promise<PostEntity> {
    const post = await this.ownPost(auth, id, false);
    if (post.boostOfId) throw new ContentException(ContentErrorCode.InvalidContent, 'A boost cannot be edited');
    if (input.title !== undefined && input.title !== null && post.title === null) {
      throw new ContentException(ContentErrorCode.InvalidContent, 'A note cannot become an article');
    }
    const source = input.content ?? post.source ?? '';
    const mediaCount = options.mediaIds ? options.mediaIds.length : (await this.uploadIds(post.id)).length;
    const withMedia = mediaCount > 0;
    const pollInput = options.poll !== undefined ? options.poll : (input.poll ?? undefined);
    const poll =
      pollInput === undefined || pollInput === null
        ? pollInput
        : this.polls.prepare(pollInput, { isArticle: post.title !== null, mediaCount });
    this.drafts.checkLength(source, post.title !== null, withMedia);
    await this.limitWrites(auth.accountId);
    const rendered = await this.drafts.render(source);
    const now = new Date();
    const revised = await this.revise(localActor(auth.accountId), id, (current) => {
      const title = current.title === null ? null : (input.title ?? current.title);
      return {
        source,
        content: rendered.content,
        title,
        summary:
          input.summary !== undefined && input.summary !== null
            ? input.summary
            : title
              ? this.drafts.excerpt(rendered.content)
              : current.summary,
        contentWarning: sensitiveWarning(
          input.contentWarning === undefined || input.contentWarning === null
            ? current.contentWarning
            : input.contentWarning || null,
          options.sensitive,
        ),
        language: input.language ?? current.language,
        editedAt: now,
        mentionedAccountIds: rendered.mentionedIds,
        hashtags: rendered.hashtags,
        ...(options.mediaIds ? { uploads: options.mediaIds } : {}),
        ...(poll !== undefined ? { poll } : {}),
      };
    });
    if (!revised) throw new ContentException(ContentErrorCode.PostNotFound, 'No such post');
    return revised;
  }

  /**
   * The one write path of an edit (ADR 0024), by the post's author (`actor`): under the row's
   * lock, the previous version goes to the history, the new values (`revise` computes them from
   * the locked row) replace it, new mentions and the hashtags follow, then `PostUpdated`. Null
   * when the post is gone, or is a boost; an actor who is not its author is refused.
   */
  async revise(
    actor: Actor,
    postId: string,
    revise: (current: PostEntity) => PostRevision,
  ): Promise<PostEntity | null> {
    const edited = await this.posts.transaction(async (manager) => {
      const current = await this.posts.lockForWrite(manager, postId);
      if (!current || current.deletedAt || current.boostOfId) return false;
      if (current.accountId !== actor.accountId) {
        throw new ContentException(ContentErrorCode.NotAuthor, 'Only the author can do that');
      }
      const revision = revise(current);
      await this.posts.saveEdit(
        manager,
        current,
        current.editedAt ?? current.createdAt,
        await this.polls.optionsOf(manager, postId),
      );
      await this.posts.update(manager, postId, {
        ...(revision.source !== undefined ? { source: revision.source } : {}),
        content: revision.content,
        title: revision.title,
        summary: revision.summary,
        contentWarning: revision.contentWarning,
        language: revision.language,
        editedAt: revision.editedAt,
        updatedAt: new Date(),
      });
      const added = await this.posts.addMentions(manager, postId, revision.mentionedAccountIds);
      await this.posts.setHashtags(manager, postId, revision.hashtags);
      if (revision.media) {
        await this.attachments.replaceRemote(manager, current.accountId, postId, revision.media);
      }
      if (revision.uploads) await this.attachments.replace(manager, current.accountId, postId, revision.uploads);
      if (revision.poll !== undefined) {
        await this.polls.revise(manager, postId, current.accountId, revision.poll, revision.editedAt);
      }
      await this.events.publish(manager, DomainEvent.PostUpdated, {
        postId,
        authorId: current.accountId,
        newlyMentionedAccountIds: added.filter((accountId) => accountId !== current.accountId),
        localBoosterIds: await this.posts.localBoosterIds(manager, postId),
        local: current.local,
      });
      return true;
    });
    return edited ? this.posts.findById(postId) : null;
  }

  private uploadIds(postId: string): Promise<string[]> {
    return this.posts.transaction((manager) => this.attachments.uploadIds(manager, postId));
  }

  /** Tombstones the post: its content is erased, it leaves every read path, counts follow. */
  async delete(auth: AuthContext, id: string): Promise<boolean> {
    const post = await this.ownPost(auth, id, true);
    if (!(await this.remove(localActor(auth.accountId), post))) {
      throw new ContentException(ContentErrorCode.PostNotFound, 'No such post');
    }
    return true;
  }

  /**
   * The one write path of a delete (ADR 0024): the post is tombstoned (`tombstonePost`: content
   * erased, boosts of it gone, counts released), `PostDeleted` written, its uploads purged (their
   * files after the commit). The caller decided that `actor` may (its author, or staff by
   * StaffAuthority); a remote actor can only delete its own posts. False when it already was gone.
   */
  async remove(actor: Actor, post: PostEntity): Promise<boolean> {
    if (actor.kind === 'remote' && actor.accountId !== post.accountId) return false;
    const purged = await this.posts.transaction(async (manager) => {
      // Lock order as in unboost (the original first, then the boost) so the two cannot deadlock.
      if (post.boostOfId) await this.posts.lockForWrite(manager, post.boostOfId);
      const tombstoned = await tombstonePost(this.posts, manager, post.id);
      if (!tombstoned) return null;
      await this.events.publish(manager, DomainEvent.PostDeleted, {
        postId: post.id,
        authorId: tombstoned.accountId,
        publishedAt: tombstoned.createdAt.toISOString(),
        local: tombstoned.local,
        boostOfId: tombstoned.boostOfId,
        visibility: tombstoned.visibility,
        inReplyToAuthorId: tombstoned.inReplyToAccountId,
        // Mentions outlive the erased content: the audience federation must reach.
        mentionedAccountIds: tombstoned.boostOfId ? [] : await this.posts.mentionedAccountIds(post.id, manager),
      });
      // Its images go with it (ADR 0019): nothing of a deleted post stays servable.
      return this.attachments.purge(manager, post.id);
    });
    if (!purged) return false;
    await this.attachments.removeStored(purged);
    this.logger.log({ msg: 'post deleted', postId: post.id, byAuthor: actor.accountId === post.accountId });
    return true;
  }
}

/** A post's warning with Mastodon's `sensitive`: '' is "sensitive, no warning text". */
function sensitiveWarning(warning: string | null, sensitive: boolean | undefined): string | null {
  if (sensitive === true && warning === null) return '';
  if (sensitive === false && warning === '') return null;
  return warning;
}
