import type { PostEditEntity } from './post-edit.entity';
import type { PostEntity } from './post.entity';
import { type PostEditModel, type PostModel, VisibilityModel } from './post.model';

/** Local post ids derive from PUBLIC_ORIGIN: the same URL serves ActivityPub JSON and the HTML page. */
export function localPostUri(origin: string, id: string): string {
  return `${origin}/posts/${id}`;
}

export function toPostModel(post: PostEntity, origin: string): PostModel {
  const uri = post.local ? localPostUri(origin, post.id) : (post.uri ?? '');
  return {
    id: post.id,
    uri,
    url: post.local ? uri : (post.url ?? uri),
    title: post.title,
    content: post.content,
    summary: post.summary,
    contentWarning: post.contentWarning,
    sensitive: post.contentWarning !== null,
    language: post.language,
    visibility: post.visibility as unknown as VisibilityModel,
    isArticle: post.title !== null,
    likesCount: post.likesCount,
    boostsCount: post.boostsCount,
    repliesCount: post.repliesCount,
    createdAt: post.createdAt,
    updatedAt: post.updatedAt,
    editedAt: post.editedAt,
    accountId: post.accountId,
    inReplyToId: post.inReplyToId,
    boostOfId: post.boostOfId,
    source: post.source,
  };
}

export function toPostEditModel(edit: PostEditEntity): PostEditModel {
  return {
    id: edit.id,
    title: edit.title,
    content: edit.content,
    summary: edit.summary,
    contentWarning: edit.contentWarning,
    pollOptions: edit.pollOptions,
    createdAt: edit.createdAt,
  };
}
