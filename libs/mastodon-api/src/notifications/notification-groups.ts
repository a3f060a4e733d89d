import { UUID_PATTERN } from '@guildhall/core';
import type { IdBound, NotificationEntity, NotificationGroupRef, NotificationListFilter } from '@guildhall/social';
import { MastodonException } from '../http/mastodon.exception';
import { groupKeyOf, MASTODON_TYPE, typesFromMastodon } from './notification.serializer';

/** Rows read per query while collecting a page's groups. */
const SCAN_BATCH = 200;

/** Mastodon 4.3's default grouped types (`grouped_types` absent). */
export const GROUPABLE = ['favourite', 'reblog', 'follow'];

/**
 * One page of groups, as Mastodon's `paginate_groups` reads it: the notifications scanned in the
 * page's direction, the first one of each group key met (its representative), until `limit`
 * groups; and the range of ids the page covers, which the groups' counts and bounds are read in.
 */
export interface GroupPage {
  /** The representatives, newest first. */
  representatives: NotificationEntity[];
  /** The page's range: every notification in it belongs to one of the page's groups. */
  range: { from: IdBound | null; to: IdBound | null };
  /** `limit` groups were found: there may be more. */
  complete: boolean;
}

/** A notification's group key within a page: its Mastodon group key when its type is grouped. */
export function pageGroupKey(row: Pick<NotificationEntity, 'id' | 'type' | 'postId'>, grouped: readonly string[]) {
  return grouped.includes(MASTODON_TYPE[row.type]) ? groupKeyOf(row) : `ungrouped-${row.id}`;
}

/** A group key's notifications, as a filter: `favourite-<status>`, `reblog-<status>`, `follow`, `ungrouped-<id>`. */
export function groupFilter(key: string): Partial<NotificationListFilter> & { id?: string } {
  const match = /^(favourite|reblog|ungrouped)-(.+)$/.exec(key);
  if (key === 'follow') return { types: typesFromMastodon(['follow']) };
  if (!match || !UUID_PATTERN.test(match[2])) throw MastodonException.notFound();
  const id = match[2].toLowerCase();
  return match[1] === 'ungrouped' ? { id } : { types: typesFromMastodon([match[1]]), postId: id };
}

/** The notifications a grouped key stands for, for the group summaries; null for an ungrouped one. */
export function groupRef(key: string): NotificationGroupRef | null {
  const filter = groupFilter(key);
  return filter.id ? null : { types: filter.types ?? [], postId: filter.postId ?? null };
}

/**
 * Reads the page's groups: newest first below `max_id` (above `since_id`), or oldest first above
 * `min_id`, `filter.limit` groups. Each query after the first leaves out the groups already met
 * (as Mastodon's recursive `paginate_groups_by_max_id` does), so a batch always starts a new
 * group: a page costs at most `limit` queries however many members its groups have between
 * them (5,000 likes of one post do not hide the older follows). The range is Mastodon's: from the
 * last representative to the first; a short page reaches on to `since_id` (reading down) or
 * `max_id` (reading up), or has no bound there. Every notification in the range belongs to one
 * of the page's groups.
 */
export async function readGroupPage(
  list: (filter: NotificationListFilter) => Promise<NotificationEntity[]>,
  filter: NotificationListFilter,
  grouped: readonly string[],
): Promise<GroupPage> {
  const up = filter.minId !== null;
  const seen = new Set<string>();
  const representatives: NotificationEntity[] = [];
  const met: NotificationGroupRef[] = [];
  let cursor = up ? filter.minId : filter.maxId;
  let exhausted = false;
  while (representatives.length < filter.limit) {
    const batch = await list({
      ...filter,
      ...(up ? { minId: cursor } : { maxId: cursor }),
      excludeGroups: [...met],
      limit: SCAN_BATCH,
    });
    for (const row of batch) {
      const key = pageGroupKey(row, grouped);
      if (seen.has(key)) continue;
      seen.add(key);
      representatives.push(row);
      // An ungrouped row is one notification: the cursor passes it, no need to leave it out.
      const ref = key.startsWith('ungrouped-') ? null : groupRef(key);
      if (ref) met.push(ref);
      if (representatives.length === filter.limit) break;
    }
    if (batch.length < SCAN_BATCH) {
      exhausted = true;
      break;
    }
    cursor = batch[batch.length - 1].id;
  }
  const complete = !exhausted || representatives.length === filter.limit;
  const first = representatives[0];
  const last = representatives[representatives.length - 1];
  if (!first || !last) return { representatives: [], range: { from: null, to: null }, complete };
  // Reading down the page's newest is `first`; reading up it is `last`.
  const [newest, oldest] = up ? [last, first] : [first, last];
  const range = up
    ? {
        from: { id: oldest.id, inclusive: true },
        to: complete
          ? { id: newest.id, inclusive: true }
          : filter.maxId
            ? { id: filter.maxId, inclusive: false }
            : null,
      }
    : {
        from: complete
          ? { id: oldest.id, inclusive: true }
          : filter.sinceId
            ? { id: filter.sinceId, inclusive: false }
            : null,
        to: { id: newest.id, inclusive: true },
      };
  return { representatives: up ? [...representatives].reverse() : representatives, range, complete };
}
