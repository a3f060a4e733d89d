/**
 * Who may see a post, as one SQL condition over the alias of a `posts` row — the single rule
 * every read path (one post, replies, timelines, engagement) goes through:
 *
 * - nobody sees a deleted post;
 * - PUBLIC and UNLISTED: everyone (UNLISTED only stays out of the public timelines);
 * - FOLLOWERS: the author, accepted followers, and accounts mentioned in it;
 * - DIRECT: the author and the accounts mentioned in it;
 * - a block either way hides the author's posts from the other;
 * - nobody sees the posts (and boosts) of a suspended account.
 */
export interface SqlCondition {
  sql: string;
  params: Record<string, unknown>;
}

/** The author is not suspended (a primary-key probe per row; suspensions are rare). */
const authorActive = (alias: string) =>
  `NOT EXISTS (SELECT 1 FROM accounts vs WHERE vs.id = ${alias}.account_id AND vs.suspended_at IS NOT NULL)`;

export function visibleTo(alias: string, viewerId: string | null): SqlCondition {
  if (viewerId === null) {
    return {
      sql: `(${alias}.deleted_at IS NULL AND ${alias}.visibility IN ('public', 'unlisted') AND ${authorActive(alias)})`,
      params: {},
    };
  }
  return {
    sql: `(${alias}.deleted_at IS NULL
      AND ${authorActive(alias)}
      AND (
        ${alias}.visibility IN ('public', 'unlisted')
        OR ${alias}.account_id = :viewerId
        OR (${alias}.visibility = 'followers' AND EXISTS (
          SELECT 1 FROM follows vf WHERE vf.follower_id = :viewerId AND vf.followee_id = ${alias}.account_id
            AND vf.state = 'accepted'))
        OR EXISTS (SELECT 1 FROM mentions vm WHERE vm.post_id = ${alias}.id AND vm.account_id = :viewerId)
      )
      AND NOT EXISTS (
        SELECT 1 FROM blocks vb
        WHERE (vb.account_id = :viewerId AND vb.target_id = ${alias}.account_id)
           OR (vb.account_id = ${alias}.account_id AND vb.target_id = :viewerId)
      ))`,
    params: { viewerId },
  };
}
