import { type MediaAttachmentModel, MediaTypeModel, type PostModel } from '@guildhall/content';
import type { AccountModel } from '@guildhall/identity';
import { httpUrl, markup, type SafeHtml, sanitized } from '../html';
import { layout } from './layout.template';

function formatTime(date: Date): string {
  return date.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

function lang(post: PostModel): SafeHtml | null {
  return post.language ? markup` lang="${post.language}"` : null;
}

export function timeLink(post: PostModel): SafeHtml {
  const edited = post.editedAt ? markup` <span class="muted">(edited)</span>` : null;
  const time = markup`<time datetime="${post.createdAt.toISOString()}">${formatTime(post.createdAt)}</time>`;
  return markup`<a href="${post.url}">${time}</a>${edited}`;
}

const MEDIA_LABELS: Record<MediaTypeModel, string> = {
  [MediaTypeModel.IMAGE]: 'Image',
  [MediaTypeModel.VIDEO]: 'Video',
  [MediaTypeModel.AUDIO]: 'Audio',
  [MediaTypeModel.UNKNOWN]: 'Attached file',
};

/**
 * Images inline; video, audio and other files as links to them (the pages' CSP allows images
 * only, and a player would fetch another server's file for every reader).
 */
function mediaFigures(media: MediaAttachmentModel[]): SafeHtml[] {
  return media.flatMap((item) => {
    const src = httpUrl(item.url);
    if (!src) return [];
    if (item.type !== MediaTypeModel.IMAGE) {
      const label = item.altText ? `${MEDIA_LABELS[item.type]}: ${item.altText}` : MEDIA_LABELS[item.type];
      return [markup`<figure><a href="${src}" rel="nofollow noopener">${label}</a></figure>`];
    }
    const size =
      item.width !== null && item.height !== null ? markup` width="${item.width}" height="${item.height}"` : null;
    return [markup`<figure><img src="${src}" alt="${item.altText ?? ''}"${size} loading="lazy"></figure>`];
  });
}

/** The excerpt, content and media, behind a <details> when the post has a content warning. */
export function postBody(post: PostModel, media: MediaAttachmentModel[]): SafeHtml {
  // post.content is sanitized HTML from the content lib's renderer/sanitizer: inserted as it is.
  const content = markup`<div class="content">${sanitized(post.content)}</div>${mediaFigures(media)}`;
  if (post.contentWarning === null) return content;
  return markup`<details><summary>${post.contentWarning}</summary>${content}</details>`;
}

export interface PostPageInput {
  post: PostModel;
  author: AccountModel;
  media: MediaAttachmentModel[];
  /** The page of the post replied to, when anonymous readers may see it. */
  inReplyToUrl: string | null;
}

function byline(author: AccountModel): SafeHtml {
  const name = author.displayName || author.handle;
  const avatarUrl = httpUrl(author.avatarUrl);
  const avatar = avatarUrl ? markup`<img class="avatar small" src="${avatarUrl}" alt="${`Avatar of ${name}`}">` : null;
  const who = markup`<a href="${author.url}"><strong>${name}</strong></a><br><span class="muted">@${author.handle}</span>`;
  return markup`<header class="byline">${avatar}<div>${who}</div></header>`;
}

export function postPage({ post, author, media, inReplyToUrl }: PostPageInput): SafeHtml {
  const name = author.displayName || author.handle;
  const replyTo = httpUrl(inReplyToUrl);
  // An article's excerpt would give away what a content warning hides.
  const excerpt = post.summary && post.contentWarning === null ? markup`<p class="muted">${post.summary}</p>` : null;
  return layout({
    title: post.title ?? `${name}: ${post.contentWarning ?? 'post'}`,
    head: [
      markup`<link rel="alternate" type="application/activity+json" href="${post.uri}">`,
      markup`<link rel="canonical" href="${post.url}">`,
    ],
    body: [
      markup`<article class="post"${lang(post)}>`,
      byline(author),
      replyTo ? markup`<p class="muted">In reply to <a href="${replyTo}">a post</a></p>` : null,
      post.title !== null ? markup`<h1>${post.title}</h1>${excerpt}` : null,
      postBody(post, media),
      markup`<footer>${timeLink(post)}</footer></article>`,
    ],
  });
}
