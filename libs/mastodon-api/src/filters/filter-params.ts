import { UUID_PATTERN } from '@guildhall/core';
import type { FilterInput, KeywordInput } from '@guildhall/content';
import { MastodonException } from '../http/mastodon.exception';
import { arrayParam, booleanParam, stringParam } from '../http/params';

type Body = Record<string, unknown>;

/** A path id: not one of ours is Mastodon's 404. */
export function pathId(id: string): string {
  if (!UUID_PATTERN.test(id)) throw MastodonException.notFound();
  return id.toLowerCase();
}

/** `expires_in`: seconds; empty or null means never; absent leaves it as it is. */
function expiresIn(body: Body): number | null | undefined {
  if (!('expires_in' in body)) return undefined;
  const value = body.expires_in;
  if (value === null || value === '') return null;
  const seconds = Number(stringParam(value));
  if (!Number.isInteger(seconds) || seconds <= 0)
    throw MastodonException.unprocessable('expires_in must be a positive number of seconds');
  return seconds;
}

export function keywordParams(body: Body): KeywordInput {
  const id = stringParam(body.id);
  if (id !== undefined && !UUID_PATTERN.test(id)) {
    throw MastodonException.unprocessable('keywords_attributes: no such keyword in this filter');
  }
  return {
    id: id?.toLowerCase(),
    keyword: stringParam(body.keyword),
    wholeWord: 'whole_word' in body ? booleanParam(body.whole_word) : undefined,
    destroy: booleanParam(body._destroy),
  };
}

/**
 * `keywords_attributes`: a JSON array of objects, or Rails' form shape
 * (`keywords_attributes[0][keyword]=…` parses to an object keyed by index; `[][keyword]` to an array).
 */
function keywordsAttributes(body: Body): KeywordInput[] | undefined {
  const value = body.keywords_attributes ?? body['keywords_attributes[]'];
  if (value === undefined) return undefined;
  const items = Array.isArray(value) ? value : value && typeof value === 'object' ? Object.values(value) : null;
  if (!items || items.some((item) => !item || typeof item !== 'object' || Array.isArray(item))) {
    throw MastodonException.unprocessable('keywords_attributes must be a list of keywords');
  }
  return (items as Body[]).map(keywordParams);
}

/** A filter's parameters as Mastodon clients send them (JSON or form). */
export function filterParams(body: Body): FilterInput {
  const context = 'context' in body || 'context[]' in body ? arrayParam(body, 'context') : undefined;
  return {
    title: stringParam(body.title),
    context,
    action: stringParam(body.filter_action),
    expiresIn: expiresIn(body),
    keywords: keywordsAttributes(body),
  };
}
