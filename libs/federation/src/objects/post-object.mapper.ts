import { Article, Document, Hashtag, LanguageString, Mention, Note, PUBLIC_COLLECTION } from '@fedify/fedify/vocab';
import { Temporal } from '@js-temporal/polyfill';
import { localPostUri, type MediaCapabilities, type PostEntity, Visibility } from '@guildhall/content';
import { actorUrls } from '../actors/actor.mapper';
import type { ObjectAccount, PostObjectData } from './post-object.repository';

/** Where local posts live: the same URL serves this JSON and (to browsers, through Nest) the HTML page. */
export const POST_PATH = '/posts/{id}';

type Instant = NonNullable<ConstructorParameters<typeof Note>[0]['published']>;
/** Fedify types instants with TypeScript's esnext.temporal lib; the polyfill's types differ slightly. */
const instant = (date: Date) => Temporal.Instant.fromEpochMilliseconds(date.getTime()) as unknown as Instant;

export function actorUri(origin: string, account: ObjectAccount): string {
  return account.domain ? (account.uri ?? '') : `${origin}/users/${account.username}`;
}

function mentionName(account: ObjectAccount): string {
  return account.domain ? `@${account.username}@${account.domain}` : `@${account.username}`;
}

/**
 * Who a post is addressed to, as Mastodon reads visibility back from it (FEDERATION.md):
 * PUBLIC → to Public, cc followers; UNLISTED → to followers, cc Public; FOLLOWERS → to followers;
 * DIRECT → to the mentioned only. Otherwise mentioned actors go in cc (Mastodon needs both the
 * Mention tag and the actor in to/cc to notify).
 */
export function addressing(visibility: `${Visibility}`, followers: URL, mentioned: URL[]): { tos: URL[]; ccs: URL[] } {
  switch (visibility) {
    case 'public':
      return { tos: [PUBLIC_COLLECTION], ccs: [followers, ...mentioned] };
    case 'unlisted':
      return { tos: [followers], ccs: [PUBLIC_COLLECTION, ...mentioned] };
    case 'followers':
      return { tos: [followers], ccs: mentioned };
    case 'direct':
      return { tos: mentioned, ccs: [] };
  }
}

/** A local post's public replies collection (Mastodon reads `replies` to fetch a thread). */
export const postRepliesUri = (origin: string, postId: string) => new URL(`${localPostUri(origin, postId)}/replies`);

/** Where an attachment is fetched from: the plain URL, or a capability URL for non-public posts (ADR 0025). */
export type AttachmentUrls = Pick<MediaCapabilities, 'federatedUrl'>;

/**
 * A local post as a `Note`, or an `Article` when it has a title, addressed per its visibility.
 * A followers-only or direct post's attachments point at capability URLs: Mastodon downloads
 * attachments unsigned, so only an unguessable URL lets the post's audience see them (ADR 0025).
 */
export function toPostObject(origin: string, data: PostObjectData, urls: AttachmentUrls): Note | Article {
  const { post, author } = data;
  const id = new URL(localPostUri(origin, post.id));
  const mentioned = data.mentions.map((account) => actorUri(origin, account)).filter((uri) => uri !== '');
  const { tos, ccs } = addressing(
    post.visibility,
    actorUrls(origin, author.username).followers,
    mentioned.map((uri) => new URL(uri)),
  );
  const tags = [
    ...data.mentions
      .filter((account) => actorUri(origin, account) !== '')
      .map((account) => new Mention({ href: new URL(actorUri(origin, account)), name: mentionName(account) })),
    ...data.hashtags.map(
      (name) => new Hashtag({ href: new URL(`${origin}/tags/${encodeURIComponent(name)}`), name: `#${name}` }),
    ),
  ];
  const attachments = data.media.map(
    (media) =>
      new Document({
        mediaType: media.mimeType,
        url: new URL(urls.federatedUrl(media, post.visibility)),
        name: media.altText,
        width: media.width,
        height: media.height,
      }),
  );
  const inReplyTo = data.inReplyTo
    ? data.inReplyTo.local
      ? localPostUri(origin, data.inReplyTo.id)
      : data.inReplyTo.uri
    : null;
  const values = {
    id,
    attribution: new URL(actorUri(origin, author)),
    // `content` for Mastodon, which reads it literally; `contentMap` too when the language is known.
    contents: post.language ? [post.content, new LanguageString(post.content, post.language)] : [post.content],
    published: instant(post.createdAt),
    updated: post.editedAt ? instant(post.editedAt) : null,
    url: id,
    tos,
    ccs,
    replyTarget: inReplyTo ? new URL(inReplyTo) : null,
    replies: postRepliesUri(origin, post.id),
    tags,
    attachments,
  };
  if (post.title !== null) {
    // Mastodon shows an article as its name, its summary (the excerpt) and a link.
    return new Article({ ...values, name: post.title, summary: post.summary, sensitive: post.contentWarning !== null });
  }
  return new Note({
    ...values,
    summary: post.contentWarning,
    sensitive: post.contentWarning !== null,
  });
}

/** What a deleted post's id answers (410): Fedify's object dispatchers cannot return a Tombstone. */
export function toTombstone(origin: string, post: PostEntity): Record<string, unknown> {
  return {
    '@context': 'https://www.w3.org/ns/activitystreams',
    id: localPostUri(origin, post.id),
    type: 'Tombstone',
    formerType: post.title !== null ? 'Article' : 'Note',
    deleted: (post.deletedAt ?? post.updatedAt).toISOString(),
  };
}
