import { muteInForce } from '@guildhall/social';
import { visibleTo } from '../posts/post-visibility';
import type { TimelineFilter } from './timeline.types';

// The rules a timeline applies, as SQL conditions over its page query's aliases (TimelineRepository:
// `p` the post, `author` its author, `o` a boost's original); the repository reads pages with them.

/**
 * A boost shows only while its original is visible to the viewer and its author not muted.
 * The original is LEFT JOINed on its primary key: the same rule written as `OR EXISTS (…)`
 * made PostgreSQL hash the whole posts table for every page that reached a boost (~90 ms).
 */
export function boostedVisible(viewerId: string | null): string {
  const original = visibleTo('o', viewerId);
  const muted = viewerId
    ? `AND NOT EXISTS (SELECT 1 FROM mutes om WHERE om.account_id = :viewerId AND om.target_id = o.account_id
                          AND ${muteInForce('om')})`
    : '';
  return `(p.boost_of_id IS NULL OR (o.id IS NOT NULL AND ${original.sql} ${muted}))`;
}

/**
 * Leaves out the posts of servers the viewer blocked (their own domain blocks, the social
 * lib's `account_domain_blocks`); nothing for anonymous readers.
 */
export function domainsNotBlocked(viewerId: string | null): string[] {
  if (!viewerId) return [];
  return [
    `(author.domain IS NULL OR NOT EXISTS (
         SELECT 1 FROM account_domain_blocks tdb WHERE tdb.account_id = :viewerId AND tdb.domain = author.domain))`,
  ];
}

/**
 * The viewer's follow options over a followee's posts, as Mastodon's FeedManager applies them
 * to home and lists alike: no boosts when the follow hides them (`reblogs=false`), and, when it
 * names `languages`, only posts in one of them — a post without a language, and a boost (whose
 * own language Mastodon leaves empty), always pass. The language subqueries do not depend on
 * the row, so PostgreSQL hashes each once per query; the boost test probes the pair's key only
 * for boosts.
 */
export const FOLLOW_OPTIONS: readonly string[] = [
  `(p.boost_of_id IS NULL OR p.account_id = :viewerId OR NOT EXISTS (
       SELECT 1 FROM follows rf WHERE rf.follower_id = :viewerId AND rf.followee_id = p.account_id
         AND NOT rf.show_reblogs))`,
  `(p.boost_of_id IS NOT NULL OR p.language IS NULL OR p.account_id = :viewerId
      OR p.account_id NOT IN (SELECT lf.followee_id FROM follows lf
                              WHERE lf.follower_id = :viewerId AND lf.languages IS NOT NULL)
      OR (p.account_id, p.language) IN (SELECT lf.followee_id, unnest(lf.languages) FROM follows lf
                                        WHERE lf.follower_id = :viewerId AND lf.languages IS NOT NULL))`,
];

/** Only posts with media attached. */
export const WITH_MEDIA = 'EXISTS (SELECT 1 FROM media_attachments fm WHERE fm.post_id = p.id)';

/** Posts written here (`local`), only those from elsewhere (`remote`), or all. */
export function fromOrigin(origin: TimelineFilter['origin']): string[] {
  return origin === 'local' ? ['p.local'] : origin === 'remote' ? ['NOT p.local'] : [];
}
