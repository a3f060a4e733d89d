/**
 * Who may see a post, as one SQL condition over the alias of a `posts` row — the single rule
 * every read path goes through: GraphQL (one post, replies, timelines, engagement, search), the
 * HTML pages, the media bytes, and ActivityPub (objects, outbox, replies), whose signed fetches
 * name a remote account as the reader (ADR 0019):
 *
 * - nobody sees a deleted post;
 * - PUBLIC and UNLISTED: everyone (UNLISTED only stays out of the public timelines);
 * - FOLLOWERS: the author, accepted followers, and accounts mentioned in it;
 * - DIRECT: the author and the accounts mentioned in it;
 * - a block either way hides the author's posts from the other;
 * - nobody sees the posts (and boosts) of a suspended account;
 * - a suspended reader, or one on a domain the moderators block, sees nothing (anonymous
 *   readers, `null`, see what everyone sees).
 */
export interface SqlCondition {
  sql: string;
  params: Record<string, unknown>;
}

/**
 * The author is not suspended: a primary-key probe per row that reaches this test. Written as a
 * scalar subquery on purpose (ADR 0056): PostgreSQL never turns it into a join, whereas
 * `NOT EXISTS (… suspended_at IS NOT NULL)` became an anti-join against a sequential scan of
 * every account, on every timeline page — 767 buffers and ~10 ms per page at 10,000 accounts,
 * twice with a boost's original, growing with the accounts table. A missing account counts as
 * not suspended, as with NOT EXISTS.
 */
const authorActive = (alias: string) =>
  `NOT coalesce((SELECT vs.suspended_at IS NOT NULL FROM accounts vs WHERE vs.id = ${alias}.account_id), false)`;

/**
 * `host` (an accounts.domain, host[:port]) is covered by a domain block: the same host and port,
 * the same host name, or a subdomain — as the federation lib's blockCandidates decides.
 */
const domainBlocked = (host: string) => {
  const name = `regexp_replace(lower(${host}), ':\\d+$', '')`;
  return `EXISTS (SELECT 1 FROM domain_blocks vd WHERE lower(${host}) = vd.domain OR ${name} = vd.domain
    OR (position('.' in vd.domain) > 0 AND position(':' in vd.domain) = 0 AND right(${name}, length(vd.domain) + 1) = '.' || vd.domain))`;
};

/**
 * The reader may read at all: a known account, not suspended, not on a blocked domain. It does
 * not depend on the row, so PostgreSQL evaluates it once per query.
 */
const readerActive = (viewer: string) =>
  `EXISTS (SELECT 1 FROM accounts vr WHERE vr.id = ${viewer} AND vr.suspended_at IS NULL
     AND (vr.domain IS NULL OR NOT ${domainBlocked('vr.domain')}))`;

/** The rule for a known reader, `viewer` being an SQL expression (a parameter or a column). */
const visibleToReader = (alias: string, viewer: string) => `(${alias}.deleted_at IS NULL
      AND ${authorActive(alias)}
      AND ${readerActive(viewer)}
      AND (
        ${alias}.visibility IN ('public', 'unlisted')
        OR ${alias}.account_id = ${viewer}
        OR (${alias}.visibility = 'followers' AND EXISTS (
          SELECT 1 FROM follows vf WHERE vf.follower_id = ${viewer} AND vf.followee_id = ${alias}.account_id
            AND vf.state = 'accepted'))
        OR EXISTS (SELECT 1 FROM mentions vm WHERE vm.post_id = ${alias}.id AND vm.account_id = ${viewer})
      )
      AND NOT EXISTS (
        SELECT 1 FROM blocks vb
        WHERE (vb.account_id = ${viewer} AND vb.target_id = ${alias}.account_id)
           OR (vb.account_id = ${alias}.account_id AND vb.target_id = ${viewer})
      ))`;

/** `viewerId`: the reading account (local, or remote as a signed fetch names it); null when anonymous. */
export function visibleTo(alias: string, viewerId: string | null): SqlCondition {
  if (viewerId === null) {
    return {
      sql: `(${alias}.deleted_at IS NULL AND ${alias}.visibility IN ('public', 'unlisted') AND ${authorActive(alias)})`,
      params: {},
    };
  }
  return { sql: visibleToReader(alias, ':viewerId'), params: { viewerId } };
}

/**
 * The same rule for many readers at once, each a row: `viewerColumn` names a column of known
 * readers (`v.id`), so one query answers "which of these may see this post" (live streams).
 */
export function visibleToEach(alias: string, viewerColumn: string): string {
  return visibleToReader(alias, viewerColumn);
}
