import type { DocumentLoader } from '@fedify/fedify/runtime';
import {
  Article,
  Hashtag,
  LanguageString,
  Link,
  Mention,
  Note,
  type Object as ApObject,
  Page,
  PUBLIC_COLLECTION,
  Question,
} from '@fedify/fedify/vocab';
import { type RemotePollData, type RemotePostData, Visibility } from '@guildhall/content';
import { remoteText } from '../remote/remote-text';
import { type AttachmentReadOptions, readRemoteAttachments } from './remote-attachment.mapper';

/** The object types a Create may carry that become posts here. */
export type PostObject = Note | Article | Page | Question;

export function isPostObject(object: unknown): object is PostObject {
  return object instanceof Note || object instanceof Article || object instanceof Page || object instanceof Question;
}

const MAX_MENTIONS = 50;
const MAX_HASHTAGS = 30;
const HASHTAG = /^[\p{L}\p{N}_]{1,100}$/u;

/**
 * What a remote post object says, before the accounts and posts it names are looked up: the
 * fields RemotePostService stores as they are (content and summary still as sent, sanitized when
 * stored), plus the references still to resolve.
 */
export type RemoteNoteFields = Pick<
  RemotePostData,
  | 'uri'
  | 'url'
  | 'title'
  | 'content'
  | 'summary'
  | 'contentWarning'
  | 'language'
  | 'visibility'
  | 'hashtags'
  | 'media'
  | 'publishedAt'
> & {
  attributedTo: string | null;
  inReplyTo: string | null;
  mentionHrefs: string[];
  updatedAt: Date | null;
  /** A Question's poll (null for other objects, or a Question without options). */
  poll: RemotePollData | null;
};

/**
 * The Public collection as senders write it: the full IRI, the compact `as:Public`, or the bare
 * `Public` (which a JSON-LD reader resolves against the document's URL, leaving `…/Public`).
 */
export function isPublic(id: URL): boolean {
  return id.href === PUBLIC_COLLECTION.href || id.href === 'as:Public' || /\/Public$/.test(id.pathname + id.hash);
}

/**
 * Visibility read from addressing, as Mastodon reads it (FEDERATION.md): Public in `to` =
 * public, in `cc` = unlisted; the author's followers collection = followers-only; else direct.
 */
export function visibilityOf(object: ApObject, followersUrl: string | null): Visibility {
  if (object.toIds.some(isPublic)) return Visibility.Public;
  if (object.ccIds.some(isPublic)) return Visibility.Unlisted;
  const audience = [...object.toIds, ...object.ccIds].map((id) => id.href);
  if (followersUrl && audience.includes(followersUrl)) return Visibility.Followers;
  return Visibility.Direct;
}

/** Every text the object gives goes through this (control characters dropped). */
const text = remoteText;

const instantToDate = (instant: { epochMilliseconds: number } | null): Date | null =>
  instant ? new Date(instant.epochMilliseconds) : null;

function urlOf(object: ApObject): string | null {
  const url = object.url;
  if (url instanceof URL) return url.href;
  if (url instanceof Link) return url.href?.href ?? null;
  return null;
}

/** The language of the content: the first language-tagged content (`contentMap`), as ISO 639-1. */
function languageOf(object: ApObject): string | null {
  for (const content of object.contents) {
    if (content instanceof LanguageString) return content.locale.language.slice(0, 2).toLowerCase();
  }
  return null;
}

/** Options read from one Question: more are not stored (see REMOTE_POLL_LIMITS). */
const MAX_POLL_OPTIONS_READ = 21;

/**
 * A Question's poll as Mastodon reads it (ActivityPub::Activity::Create#process_poll): `anyOf`
 * makes it multiple-choice, else `oneOf`; each option's title is its `name` (or content), its
 * tally its `replies.totalItems`; it ends at `closed` (a time, or now when just true), else at
 * `endTime`.
 */
export async function readRemotePoll(
  question: Question,
  loaders: { documentLoader: DocumentLoader; contextLoader: DocumentLoader; suppressError: true },
  now = new Date(),
): Promise<RemotePollData | null> {
  const multiple = question.inclusiveOptionIds.length > 0 || (await hasAny(question.getInclusiveOptions(loaders)));
  const items = multiple ? question.getInclusiveOptions(loaders) : question.getExclusiveOptions(loaders);
  const options: string[] = [];
  const votesCounts: number[] = [];
  for await (const item of items) {
    if (options.length >= MAX_POLL_OPTIONS_READ) break;
    const title = text(item.name) ?? text(item.content);
    if (!title) continue;
    const replies = await item.getReplies(loaders);
    options.push(title);
    votesCounts.push(replies?.totalItems ?? 0);
  }
  if (options.length === 0) return null;
  const closed = question.closed;
  const expiresAt =
    closed === null || closed === false
      ? instantToDate(question.endTime)
      : closed === true
        ? now
        : instantToDate(closed);
  return { options, votesCounts, multiple, votersCount: question.voters, expiresAt };
}

async function hasAny(items: AsyncIterable<unknown>): Promise<boolean> {
  for await (const _ of items) return true;
  return false;
}

/**
 * Reads a Note, Article, Page or Question. Tags and attachments are read from the document as
 * sent (`loaders` must not fetch: Mention and Hashtag are links, and a tag worth a fetch is none
 * we use; media are kept as links, see readRemoteAttachments).
 */
export async function readRemoteNote(
  object: PostObject,
  followersUrl: string | null,
  loaders: { documentLoader: DocumentLoader; contextLoader: DocumentLoader; suppressError: true },
  attachments: AttachmentReadOptions,
): Promise<RemoteNoteFields> {
  const mentionHrefs: string[] = [];
  const hashtags = new Set<string>();
  for await (const tag of object.getTags(loaders)) {
    if (tag instanceof Mention && tag.href && mentionHrefs.length < MAX_MENTIONS) {
      mentionHrefs.push(tag.href.href);
    } else if (tag instanceof Hashtag && hashtags.size < MAX_HASHTAGS) {
      const name = text(tag.name)?.replace(/^#/, '').toLowerCase();
      if (name && HASHTAG.test(name)) hashtags.add(name);
    }
  }
  // Articles and pages show a title (Mastodon: name, summary and a link); notes use summary as a CW.
  const titled = (object instanceof Article || object instanceof Page) && text(object.name);
  const summary = text(object.summary);
  const sensitive = object.sensitive === true;
  return {
    uri: object.id!.href,
    url: urlOf(object),
    attributedTo: object.attributionId?.href ?? null,
    title: titled ? text(object.name) : null,
    content: text(object.content) ?? (object instanceof Question ? (text(object.name) ?? '') : ''),
    summary: titled ? summary : null,
    contentWarning: titled ? (sensitive ? (summary ?? '') : null) : (summary ?? (sensitive ? '' : null)),
    language: languageOf(object),
    visibility: visibilityOf(object, followersUrl),
    inReplyTo: object.replyTargetId?.href ?? null,
    mentionHrefs,
    hashtags: [...hashtags],
    media: await readRemoteAttachments(object, loaders, attachments),
    publishedAt: instantToDate(object.published),
    updatedAt: instantToDate(object.updated),
    poll: object instanceof Question ? await readRemotePoll(object, loaders) : null,
  };
}
