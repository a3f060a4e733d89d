import type { MediaAttachmentModel, PostModel } from '@guildhall/content';
import type { AccountModel } from '@guildhall/identity';
import { httpUrl, markup, type SafeHtml, sanitized } from '../html';
import { layout } from './layout.template';
import { postBody, timeLink } from './post.template';

export interface ProfilePageInput {
  account: AccountModel;
  /** The handle with this server's host: `alice@example.org`. */
  fullHandle: string;
  posts: { post: PostModel; media: MediaAttachmentModel[] }[];
}

function listedPost({ post, media }: ProfilePageInput['posts'][number]): SafeHtml {
  const title = post.title !== null ? markup`<h3><a href="${post.url}">${post.title}</a></h3>` : null;
  const lang = post.language ? markup` lang="${post.language}"` : null;
  return markup`<li><article${lang}>${title}${postBody(post, media)}<footer>${timeLink(post)}</footer></article></li>`;
}

function image(url: string | null, className: string, alt: string): SafeHtml | null {
  const src = httpUrl(url);
  return src ? markup`<img class="${className}" src="${src}" alt="${alt}">` : null;
}

export function profilePage({ account, fullHandle, posts }: ProfilePageInput): SafeHtml {
  const name = account.displayName || account.handle;
  const header = image(account.headerUrl, 'header-image', `Header image of ${name}`);
  const avatar = image(account.avatarUrl, 'avatar', `Avatar of ${name}`);
  // Field names are plain text; field values and the bio are sanitized HTML from the content lib.
  const fields = account.fields.map((field) => markup`<dt>${field.name}</dt><dd>${sanitized(field.value)}</dd>`);
  const counts = markup`<ul class="counts">
<li><strong>${account.postsCount}</strong> posts</li>
<li><strong>${account.followingCount}</strong> following</li>
<li><strong>${account.followersCount}</strong> followers</li>
</ul>`;
  const list = posts.length
    ? markup`<ol class="posts">${posts.map(listedPost)}</ol>`
    : markup`<p class="muted">No public posts yet.</p>`;
  return layout({
    title: `${name} (@${fullHandle})`,
    head: [
      markup`<link rel="alternate" type="application/activity+json" href="${account.uri}">`,
      markup`<link rel="canonical" href="${account.url}">`,
    ],
    body: [
      markup`<header>${header}<div class="byline">${avatar}<div><h1>${name}</h1><p class="muted">@${fullHandle}</p></div></div>`,
      account.bio ? markup`<div class="content bio">${sanitized(account.bio)}</div>` : null,
      fields.length ? markup`<dl class="fields">${fields}</dl>` : null,
      counts,
      markup`</header><section><h2 class="muted">Recent posts</h2>${list}</section>`,
    ],
  });
}
