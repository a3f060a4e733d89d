import { Injectable, Logger } from '@nestjs/common';
import { PubSubEngine } from 'graphql-subscriptions';
import { uuidv7 } from '@guildhall/core';
import type { EntityManager } from 'typeorm';
import { ContentErrorCode, ContentException } from '../content.exception';
import { FilterKeywordEntity } from './filter-keyword.entity';
import { FilterStatusEntity } from './filter-status.entity';
import { FILTER_ACTIONS, FILTER_CONTEXTS, type FilterAction, type FilterContext, FilterEntity } from './filter.entity';
import { FilterRepository, type FilterView } from './filter.repository';

/**
 * Published (PubSubEngine, payload `{ accountId }`) after any change to a member's filters, so
 * the streaming API can send Mastodon's `filters_changed` to that member's user stream.
 */
export const FILTERS_CHANGED_TRIGGER = 'filtersChanged';
export interface FiltersChangedPayload {
  accountId: string;
}

export const MAX_FILTERS = 100;
export const MAX_KEYWORDS = 100;
const MAX_TEXT = 200;
/** Mastodon offers expiries up to a year and more; ten years bounds the date. */
const MAX_EXPIRES_IN = 10 * 365 * 86_400;

export interface KeywordInput {
  id?: string;
  keyword?: string;
  wholeWord?: boolean;
  /** Mastodon's `_destroy`: remove this keyword. */
  destroy?: boolean;
}

export interface FilterInput {
  title?: string;
  context?: string[];
  action?: string;
  /** Seconds from now; null: never. Omitted: unchanged. */
  expiresIn?: number | null;
  keywords?: KeywordInput[];
}

const invalid = (message: string) => new ContentException(ContentErrorCode.InvalidFilter, message);
const notFound = () => new ContentException(ContentErrorCode.FilterNotFound, 'Record not found');

/** A member's filters: only ever their own (every lookup is by owner). */
@Injectable()
export class FilterService {
  private readonly logger = new Logger(FilterService.name);

  constructor(
    private readonly filters: FilterRepository,
    private readonly pubSub: PubSubEngine,
  ) {}

  list(accountId: string): Promise<FilterView[]> {
    return this.filters.views(accountId);
  }

  async get(accountId: string, id: string): Promise<FilterView> {
    const [view] = await this.filters.views(accountId, { ids: [id] });
    if (!view) throw notFound();
    return view;
  }

  async create(accountId: string, input: FilterInput): Promise<FilterView> {
    if (input.title === undefined) throw invalid('title is required');
    if (input.context === undefined) throw invalid('context is required');
    if ((await this.filters.countFilters(accountId)) >= MAX_FILTERS) throw invalid(`At most ${MAX_FILTERS} filters`);
    const filter = Object.assign(new FilterEntity(), {
      id: uuidv7(),
      accountId,
      title: title(input.title),
      context: contexts(input.context),
      action: action(input.action ?? 'warn'),
      expiresAt: expiresAt(input.expiresIn ?? null),
    });
    const keywords = inOrder((input.keywords ?? []).filter((k) => !k.destroy).map((k) => newKeyword(filter.id, k)));
    if (keywords.length > MAX_KEYWORDS) throw invalid(`At most ${MAX_KEYWORDS} keywords per filter`);
    await this.filters.transaction(async (manager) => {
      await manager.insert(FilterEntity, filter);
      if (keywords.length) await manager.insert(FilterKeywordEntity, keywords);
    });
    return this.changed(accountId, filter.id);
  }

  async update(accountId: string, id: string, input: FilterInput): Promise<FilterView> {
    const current = await this.get(accountId, id);
    const changes: Partial<FilterEntity> = {};
    if (input.title !== undefined) changes.title = title(input.title);
    if (input.context !== undefined) changes.context = contexts(input.context);
    if (input.action !== undefined) changes.action = action(input.action);
    if (input.expiresIn !== undefined) changes.expiresAt = expiresAt(input.expiresIn);
    const ownKeywords = new Set(current.keywords.map((k) => k.id));
    for (const k of input.keywords ?? []) {
      if (k.id !== undefined && !ownKeywords.has(k.id))
        throw invalid('keywords_attributes: no such keyword in this filter');
    }
    const added = inOrder(
      (input.keywords ?? []).filter((k) => k.id === undefined && !k.destroy).map((k) => newKeyword(id, k)),
    );
    const removed = (input.keywords ?? []).filter((k) => k.id !== undefined && k.destroy).map((k) => k.id!);
    const edited = (input.keywords ?? []).filter((k) => k.id !== undefined && !k.destroy);
    if (current.keywords.length + added.length - removed.length > MAX_KEYWORDS) {
      throw invalid(`At most ${MAX_KEYWORDS} keywords per filter`);
    }
    const edits = edited.map((k) => ({ id: k.id!, ...keywordChanges(k) }));
    await this.filters.transaction(async (manager) => {
      if (Object.keys(changes).length) await manager.update(FilterEntity, { id, accountId }, changes);
      if (removed.length)
        await manager.delete(
          FilterKeywordEntity,
          removed.map((kid) => ({ id: kid, filterId: id })),
        );
      for (const edit of edits) await updateKeyword(manager, id, edit);
      if (added.length) await manager.insert(FilterKeywordEntity, added);
    });
    return this.changed(accountId, id);
  }

  async remove(accountId: string, id: string): Promise<void> {
    await this.get(accountId, id);
    await this.filters.transaction((manager) => manager.delete(FilterEntity, { id, accountId }));
    await this.publish(accountId);
  }

  async addKeyword(accountId: string, filterId: string, input: KeywordInput): Promise<FilterKeywordEntity> {
    const view = await this.get(accountId, filterId);
    if (view.keywords.length >= MAX_KEYWORDS) throw invalid(`At most ${MAX_KEYWORDS} keywords per filter`);
    const keyword = newKeyword(filterId, input);
    await this.filters.transaction((manager) => manager.insert(FilterKeywordEntity, keyword));
    await this.publish(accountId);
    return keyword;
  }

  async keyword(accountId: string, id: string): Promise<FilterKeywordEntity> {
    const keyword = await this.filters.keyword(accountId, id);
    if (!keyword) throw notFound();
    return keyword;
  }

  async updateKeyword(accountId: string, id: string, input: KeywordInput): Promise<FilterKeywordEntity> {
    const keyword = await this.keyword(accountId, id);
    const changes = keywordChanges(input);
    await this.filters.transaction((manager) => updateKeyword(manager, keyword.filterId, { id, ...changes }));
    await this.publish(accountId);
    return Object.assign(keyword, changes);
  }

  async removeKeyword(accountId: string, id: string): Promise<void> {
    const keyword = await this.keyword(accountId, id);
    await this.filters.transaction((manager) => manager.delete(FilterKeywordEntity, { id: keyword.id }));
    await this.publish(accountId);
  }

  async addStatus(accountId: string, filterId: string, postId: string): Promise<FilterStatusEntity> {
    const view = await this.get(accountId, filterId);
    if (!(await this.filters.postVisible(postId, accountId))) throw invalid('status_id: no such status');
    if (view.statuses.some((s) => s.postId === postId)) throw invalid('status_id: already in this filter');
    const entry = Object.assign(new FilterStatusEntity(), { id: uuidv7(), filterId, postId });
    await this.filters.transaction((manager) => manager.insert(FilterStatusEntity, entry));
    await this.publish(accountId);
    return entry;
  }

  async status(accountId: string, id: string): Promise<FilterStatusEntity> {
    const entry = await this.filters.status(accountId, id);
    if (!entry) throw notFound();
    return entry;
  }

  async removeStatus(accountId: string, id: string): Promise<void> {
    const entry = await this.status(accountId, id);
    await this.filters.transaction((manager) => manager.delete(FilterStatusEntity, { id: entry.id }));
    await this.publish(accountId);
  }

  private async changed(accountId: string, id: string): Promise<FilterView> {
    await this.publish(accountId);
    return this.get(accountId, id);
  }

  /** A lost notice only delays a client's refresh of its filters: logged, never fails the write. */
  private async publish(accountId: string): Promise<void> {
    const payload: FiltersChangedPayload = { accountId };
    await this.pubSub.publish(FILTERS_CHANGED_TRIGGER, payload).catch((error: unknown) => {
      this.logger.warn({ msg: 'filters_changed not published', accountId, err: error });
    });
  }
}

/**
 * Keywords are listed by id, as Mastodon lists them in the order given: UUIDv7s made in the same
 * millisecond are not ordered, so a batch takes its ids sorted, in the order of its keywords.
 */
function inOrder(keywords: FilterKeywordEntity[]): FilterKeywordEntity[] {
  const ids = keywords.map((k) => k.id).sort();
  return keywords.map((k, i) => Object.assign(k, { id: ids[i] }));
}

function title(value: string): string {
  const text = value.trim();
  if (!text || text.length > MAX_TEXT) throw invalid(`title must be 1 to ${MAX_TEXT} characters`);
  return text;
}

function contexts(values: string[]): FilterContext[] {
  const unique = [...new Set(values)];
  if (!unique.length || unique.some((v) => !(FILTER_CONTEXTS as readonly string[]).includes(v))) {
    throw invalid(`context must be one or more of ${FILTER_CONTEXTS.join(', ')}`);
  }
  return unique as FilterContext[];
}

function action(value: string): FilterAction {
  if (!(FILTER_ACTIONS as readonly string[]).includes(value)) {
    throw invalid(`filter_action must be ${FILTER_ACTIONS.join(', ')}`);
  }
  return value as FilterAction;
}

function expiresAt(expiresIn: number | null): Date | null {
  if (expiresIn === null) return null;
  if (!Number.isInteger(expiresIn) || expiresIn <= 0 || expiresIn > MAX_EXPIRES_IN) {
    throw invalid('expires_in must be a positive number of seconds');
  }
  return new Date(Date.now() + expiresIn * 1000);
}

function keywordText(value: string | undefined): string {
  const text = (value ?? '').trim();
  if (!text || text.length > MAX_TEXT) throw invalid(`keyword must be 1 to ${MAX_TEXT} characters`);
  return text;
}

function newKeyword(filterId: string, input: KeywordInput): FilterKeywordEntity {
  return Object.assign(new FilterKeywordEntity(), {
    id: uuidv7(),
    filterId,
    keyword: keywordText(input.keyword),
    wholeWord: input.wholeWord ?? true,
  });
}

function keywordChanges(input: KeywordInput): Partial<Pick<FilterKeywordEntity, 'keyword' | 'wholeWord'>> {
  const changes: Partial<Pick<FilterKeywordEntity, 'keyword' | 'wholeWord'>> = {};
  if (input.keyword !== undefined) changes.keyword = keywordText(input.keyword);
  if (input.wholeWord !== undefined) changes.wholeWord = input.wholeWord;
  return changes;
}

async function updateKeyword(
  manager: EntityManager,
  filterId: string,
  edit: { id: string } & Partial<Pick<FilterKeywordEntity, 'keyword' | 'wholeWord'>>,
): Promise<void> {
  const { id, ...changes } = edit;
  if (Object.keys(changes).length) await manager.update(FilterKeywordEntity, { id, filterId }, changes);
}
