import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Marked, type TokenizerAndRendererExtension } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { assertRenderable } from './markdown.limits';

/** "@alice" or "@alice@host.example" (not inside an email address or a word). */
const MENTION = /(?<![\w@/])@([a-z0-9_]{1,30})(?:@([a-z0-9.-]+\.[a-z]{2,}(?::\d{1,5})?|localhost(?::\d{1,5})?))?/gi;
/** "#tag": letters, digits and underscores, not all digits. */
const HASHTAG = /(?<![\w#&/])#([\p{L}\p{N}_]*[\p{L}_][\p{L}\p{N}_]*)/gu;

export interface MentionRef {
  username: string;
  domain: string | null;
}

export interface RenderOptions {
  /** Links for the mentions that resolved, keyed by lower-cased "user" or "user@host". */
  mentions?: Map<string, string>;
  /** The page of a hashtag, e.g. (tag) => `${origin}/tags/${tag}`. */
  hashtagUrl?: (tag: string) => string;
}

/** Every distinct mention in a Markdown source, lower-cased. */
export function extractMentions(source: string): MentionRef[] {
  const seen = new Map<string, MentionRef>();
  for (const match of source.matchAll(MENTION)) {
    const ref = { username: match[1].toLowerCase(), domain: match[2]?.toLowerCase() ?? null };
    seen.set(ref.domain ? `${ref.username}@${ref.domain}` : ref.username, ref);
  }
  return [...seen.values()];
}

/** Every distinct hashtag in a Markdown source, lower-cased, without "#". At most 30 tags are kept. */
export function extractHashtags(source: string): string[] {
  return [...new Set([...source.matchAll(HASHTAG)].map((m) => m[1].toLowerCase()))].slice(0, 30);
}

/**
 * Where an extension's token may start in `src`, looking only `WINDOW` characters ahead: marked
 * asks once per inline token with the rest of the paragraph, so a search to its end made every
 * paragraph quadratic. Without a candidate the text is cut at the first space after WINDOW
 * (looked ahead one more window), so a cut neither starts a false mention nor splits a word or URL.
 */
const WINDOW = 1024;
function startWithin(src: string, candidate: RegExp): number | undefined {
  if (src.length <= WINDOW) {
    const index = src.search(candidate);
    return index < 0 ? undefined : index;
  }
  const index = src.slice(0, 2 * WINDOW).search(candidate);
  if (index >= 0 && index < WINDOW) return index;
  let cut = WINDOW;
  while (cut < 2 * WINDOW && !/\s/.test(src[cut])) cut++;
  return index >= 0 && index < cut ? index : cut;
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** What survives sanitizing: text structure, links, emphasis, lists, quotes and code. Nothing executable. */
const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'a',
    'em',
    'strong',
    'del',
    's',
    'ul',
    'ol',
    'li',
    'blockquote',
    'code',
    'pre',
    'h1',
    'h2',
    'h3',
    'h4',
    'hr',
    'span',
  ],
  allowedAttributes: { a: ['href', 'rel', 'class', 'translate'], span: ['class', 'translate'], ol: ['start'] },
  allowedClasses: { a: ['mention', 'hashtag', 'u-url'], span: ['h-card'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  transformTags: {
    a: (tagName, attribs) => ({
      tagName,
      attribs: { ...attribs, rel: 'nofollow noopener noreferrer' },
    }),
  },
};

/** Marks the links the renderer itself makes (mentions, hashtags); dropped by the allowlist. */
const OWN_LINK = 'data-guildhall-link';

/**
 * The allowlist for Markdown this server renders: its own mention and hashtag links read as
 * Mastodon writes them (a mention without `rel`, a hashtag with `rel="tag"`), which apps and
 * other servers recognise. Only links carrying this render's nonce count as its own, so raw HTML
 * in the source cannot pass for one; every other link gets `nofollow noopener noreferrer`.
 */
function localSanitize(nonce: string): sanitizeHtml.IOptions {
  return {
    ...SANITIZE,
    transformTags: {
      a: (tagName, attribs) => {
        const { [OWN_LINK]: mark, ...rest } = attribs;
        if (mark === `${nonce}:mention`) return { tagName, attribs: withoutRel(rest) };
        if (mark === `${nonce}:tag`) return { tagName, attribs: { ...rest, rel: 'tag' } };
        return { tagName, attribs: { ...rest, rel: 'nofollow noopener noreferrer' } };
      },
    },
  };
}

function withoutRel(attribs: sanitizeHtml.Attributes): sanitizeHtml.Attributes {
  const { rel: _rel, ...rest } = attribs;
  void _rel;
  return rest;
}

/**
 * Markdown to sanitized HTML for posts, articles and bios. Raw HTML in the source is removed
 * by the allowlist; mentions and hashtags become links.
 */
@Injectable()
export class MarkdownRenderer {
  /** Throws MarkdownTooComplexException (BAD_USER_INPUT) for a source marked cannot render in bounded time. */
  render(source: string, options: RenderOptions = {}): string {
    assertRenderable(source);
    const marked = new Marked({ gfm: true, breaks: true, async: false });
    const nonce = randomUUID();
    marked.use({ extensions: [mentionExtension(options, nonce), hashtagExtension(options, nonce)] });
    const html = marked.parse(source) as string;
    return sanitizeHtml(html, localSanitize(nonce)).trim();
  }

  /**
   * Remote HTML (federated posts, bios): the same allowlist. U+0000 is dropped, as an HTML parser
   * drops it from text: PostgreSQL text cannot store it, and a remote server cannot be refused.
   */
  sanitize(html: string): string {
    return sanitizeHtml(html.replaceAll('\u0000', ''), SANITIZE).trim();
  }

  /** Plain text of HTML, for excerpts and previews. */
  toText(html: string): string {
    return sanitizeHtml(html.replace(/<\/(p|li|blockquote|h\d)>/g, '$&\n'), { allowedTags: [], allowedAttributes: {} })
      .replace(/\n{3,}/g, '\n\n')
      .trim();
  }
}

function mentionExtension(options: RenderOptions, nonce: string): TokenizerAndRendererExtension {
  return {
    name: 'mention',
    level: 'inline',
    start: (src) => startWithin(src, /(?<![\w@/])@[a-z0-9_]/i),
    tokenizer(src) {
      const match = new RegExp(`^${MENTION.source}`, 'i').exec(src);
      if (!match) return undefined;
      const key = match[2] ? `${match[1]}@${match[2]}`.toLowerCase() : match[1].toLowerCase();
      return { type: 'mention', raw: match[0], key, username: match[1] };
    },
    renderer(token) {
      const url = options.mentions?.get(token.key as string);
      if (!url) return escapeHtml(token.raw);
      return `<span class="h-card" translate="no"><a href="${escapeHtml(url)}" class="u-url mention" ${OWN_LINK}="${nonce}:mention">@<span>${escapeHtml(token.username as string)}</span></a></span>`;
    },
  };
}

function hashtagExtension(options: RenderOptions, nonce: string): TokenizerAndRendererExtension {
  return {
    name: 'hashtag',
    level: 'inline',
    start: (src) => startWithin(src, /(?<![\w#&/])#[\p{L}\p{N}_]/u),
    tokenizer(src) {
      const match = new RegExp(`^${HASHTAG.source}`, 'u').exec(src);
      if (!match) return undefined;
      return { type: 'hashtag', raw: match[0], tag: match[1] };
    },
    renderer(token) {
      const tag = token.tag as string;
      if (!options.hashtagUrl) return escapeHtml(token.raw);
      return `<a href="${escapeHtml(options.hashtagUrl(tag.toLowerCase()))}" class="mention hashtag" ${OWN_LINK}="${nonce}:tag">#<span>${escapeHtml(tag)}</span></a>`;
    },
  };
}
