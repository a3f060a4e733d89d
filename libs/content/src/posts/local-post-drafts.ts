import { Injectable } from '@nestjs/common';
import { ConfigService, MarkdownRenderer, extractHashtags, extractMentions } from '@guildhall/core';
import { AccountRepository, type AuthContext } from '@guildhall/identity';
import { ContentErrorCode, ContentException } from '../content.exception';
import { PollService } from '../polls/poll.service';
import type { NewPoll } from '../polls/poll-rules';
import { ARTICLE_MAX_LENGTH, NOTE_MAX_LENGTH, type CreatePostInput } from './dto/create-post.input';
import { type PostEntity, Visibility } from './post.entity';
import type { PostDraft } from './post-draft';
import { PostRepository } from './post.repository';

/** Mentions kept per post (remote posts too: see remote-note.mapper). */
export const MAX_MENTIONS = 50;

const EXCERPT_LENGTH = 280;

/** What a local post's input passed before the rate limit is charged: its kind and its poll. */
export interface CheckedPostInput {
  isArticle: boolean;
  poll: NewPoll | null;
}

/**
 * A local author's Markdown made into a PostDraft: the length and poll checks, the post replied
 * to (visible to the author; a boost stands for its original), mentions resolved to accounts
 * this server knows, hashtags, and an article's excerpt.
 */
@Injectable()
export class LocalPostDrafts {
  constructor(
    private readonly posts: PostRepository,
    private readonly accounts: AccountRepository,
    private readonly renderer: MarkdownRenderer,
    private readonly config: ConfigService,
    private readonly polls: PollService,
  ) {}

  private get origin(): string {
    return this.config.values.publicOrigin;
  }

  /** `withMedia`: a note that carries media may have no text (as on Mastodon). */
  checkLength(content: string, isArticle: boolean, withMedia = false): void {
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

  /** The checks that need no database: the length, and the poll (PollService.prepare). */
  check(input: CreatePostInput): CheckedPostInput {
    const isArticle = Boolean(input.title);
    this.checkLength(input.content, isArticle, Boolean(input.mediaIds?.length));
    const poll = input.poll
      ? this.polls.prepare(input.poll, { isArticle, mediaCount: input.mediaIds?.length ?? 0 })
      : null;
    return { isArticle, poll };
  }

  /** The draft of a checked input: the post replied to, then the rendered text. */
  async draft(
    auth: Pick<AuthContext, 'accountId'>,
    input: CreatePostInput,
    checked: CheckedPostInput,
    idempotencyKey: string | undefined,
  ): Promise<PostDraft> {
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
    return {
      uri: null,
      url: null,
      title: input.title ?? null,
      source: input.content,
      content: rendered.content,
      summary: checked.isArticle ? (input.summary ?? this.excerpt(rendered.content)) : (input.summary ?? null),
      contentWarning: input.contentWarning ?? null,
      language: input.language ?? null,
      visibility: (input.visibility ?? Visibility.Public) as unknown as Visibility,
      inReplyTo: parent,
      mentionedAccountIds: rendered.mentionedIds,
      hashtags: rendered.hashtags,
      media: { uploads: input.mediaIds ?? [] },
      publishedAt: null,
      poll: checked.poll ? { local: checked.poll } : null,
      idempotencyKey,
    };
  }

  /** Renders Markdown with mentions resolved to accounts this server knows. */
  async render(source: string) {
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

  /** An article's summary when its author gave none: the start of its text (local and remote articles alike). */
  excerpt(html: string): string {
    const text = this.renderer.toText(html).replace(/\s+/g, ' ');
    return text.length <= EXCERPT_LENGTH ? text : `${text.slice(0, EXCERPT_LENGTH - 1).trimEnd()}…`;
  }
}
