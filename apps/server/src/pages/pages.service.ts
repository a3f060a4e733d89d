import { Injectable } from '@nestjs/common';
import { ConfigService, LoaderFactories, UUID_PATTERN } from '@guildhall/core';
import { MEDIA_BY_POST_ID, PostRepository, TimelineRepository, toMediaModel, toPostModel } from '@guildhall/content';
import { TransparencyService } from '@guildhall/coop';
import { AccountService, toAccountModel } from '@guildhall/identity';
import type { Page } from './page';
import { periodPage } from './templates/period.template';
import { postPage } from './templates/post.template';
import { profilePage } from './templates/profile.template';
import { deletedPostPage, goneAccountPage, notFoundPage } from './templates/status.template';

export const PROFILE_POSTS = 20;

const NOT_FOUND: Page = { status: 404, body: notFoundPage() };

/**
 * The HTML pages of local accounts and posts, as the reader sees them: anonymous, or the account
 * of the request's bearer token (the API's credential; there are no cookie sessions). Which posts
 * that is, is decided by the content lib's visibility rule (findVisible, the account timeline),
 * never here — the same rule as GraphQL and ActivityPub.
 */
@Injectable()
export class PagesService {
  constructor(
    private readonly accounts: AccountService,
    private readonly posts: PostRepository,
    private readonly timelines: TimelineRepository,
    private readonly loaders: LoaderFactories,
    private readonly config: ConfigService,
    private readonly transparency: TransparencyService,
  ) {}

  private get origin(): string {
    return this.config.values.publicOrigin;
  }

  async profile(username: string, viewerId: string | null): Promise<Page> {
    // Only local accounts have a page here: `/@bob@elsewhere` is never looked up remotely (one
    // anonymous GET per outbound WebFinger query otherwise).
    const account = await this.accounts.findByHandle(username, { resolveRemote: false });
    // Only the canonical spelling: /users/<username> is also the actor id (Fedify 404s the others).
    if (!account || account.domain !== null || account.username !== username) return NOT_FOUND;
    // A suspended account shows nothing of itself, not even its name (as its actor: 410).
    if (account.suspendedAt) return { status: 410, body: goneAccountPage() };
    const rows = await this.timelines.account({ viewerId, afterId: null, limit: PROFILE_POSTS }, account.id);
    // Boosts carry no content of their own; the page lists the account's own posts.
    const posts = rows
      .filter((row) => row.boostOfId === null)
      .slice(0, PROFILE_POSTS)
      .map((row) => ({
        post: toPostModel(row, this.origin),
        media: row.media.map((media) => toMediaModel(media, this.origin)),
      }));
    const model = toAccountModel(account, this.origin);
    const fullHandle = `${model.handle}@${new URL(this.origin).host}`;
    return { status: 200, body: profilePage({ account: model, fullHandle, posts }) };
  }

  async post(id: string, viewerId: string | null): Promise<Page> {
    if (!UUID_PATTERN.test(id)) return NOT_FOUND;
    const row = await this.posts.findById(id);
    // Only local posts have their page here; a boost has no content of its own.
    if (!row || !row.local || row.boostOfId !== null) return NOT_FOUND;
    if (row.deletedAt !== null) return { status: 410, body: deletedPostPage() };
    const post = await this.posts.findVisible(id, viewerId);
    if (!post) return NOT_FOUND;
    const [author, media, inReplyTo] = await Promise.all([
      this.accounts.findById(post.accountId),
      this.loaders.forRequest({}).get(MEDIA_BY_POST_ID).load(post.id),
      post.inReplyToId ? this.posts.findVisible(post.inReplyToId, viewerId) : null,
    ]);
    if (!author) return NOT_FOUND;
    return {
      status: 200,
      body: postPage({
        post: toPostModel(post, this.origin),
        author: toAccountModel(author, this.origin),
        media,
        inReplyToUrl: inReplyTo ? toPostModel(inReplyTo, this.origin).url : null,
      }),
    };
  }

  /** A closed period's public transparency page; 404 for an unknown or open one. */
  async period(id: string): Promise<Page> {
    if (id.length > 64) return NOT_FOUND;
    const data = await this.transparency.pageData(id);
    if (!data) return NOT_FOUND;
    const base = `/api/v1/coop/periods/${encodeURIComponent(id)}`;
    return {
      status: 200,
      body: periodPage(data, { snapshot: `${base}/snapshot.json`, result: `${base}/result.json` }),
    };
  }
}
