// The HOME timeline page as one hand-written SQL statement, for the bare route of
// `npm run bench:timeline`: the floor the GraphQL path is compared with.
//
// The rules are TimelineRepository.home()'s (libs/content/src/timelines/timeline.repository.ts,
// with visibleTo() from libs/content/src/posts/post-visibility.ts): visibility (public/unlisted,
// own, followers-only for accepted followers, mentioned), blocks either way, mutes, "you and whom
// you follow (accepted)", and a boost only while its original is visible and its author not
// muted; newest first by the UUIDv7 id, page size + 1 rows. The author is joined and each post's
// media aggregated in order (position, id) with json_agg, so one round trip serves the page.
//
// HOME_SQL checks a boost's original through a LEFT JOIN on its primary key. REPOSITORY_HOME_SQL
// is the same page with the boost rule written as the repository writes it,
// `(p.boost_of_id IS NULL OR EXISTS (SELECT 1 FROM posts o WHERE o.id = p.boost_of_id AND …))`:
// the bench serves it too, to tell the cost of that SQL from the cost of the GraphQL stack.

export const HOME_PAGE_SIZE = 20;

/** visibleTo(alias, $1) from post-visibility.ts; `tag` keeps subquery aliases unique. */
export const visibleTo = (alias, tag) => `(${alias}.deleted_at IS NULL
      AND (
        ${alias}.visibility IN ('public', 'unlisted')
        OR ${alias}.account_id = $1
        OR (${alias}.visibility = 'followers' AND EXISTS (
          SELECT 1 FROM follows ${tag}f WHERE ${tag}f.follower_id = $1 AND ${tag}f.followee_id = ${alias}.account_id
            AND ${tag}f.state = 'accepted'))
        OR EXISTS (SELECT 1 FROM mentions ${tag}m WHERE ${tag}m.post_id = ${alias}.id AND ${tag}m.account_id = $1)
      )
      AND NOT EXISTS (
        SELECT 1 FROM blocks ${tag}b
        WHERE (${tag}b.account_id = $1 AND ${tag}b.target_id = ${alias}.account_id)
           OR (${tag}b.account_id = ${alias}.account_id AND ${tag}b.target_id = $1)
      ))`;

export const notMuted = (alias, tag) =>
  `NOT EXISTS (SELECT 1 FROM mutes ${tag} WHERE ${tag}.account_id = $1 AND ${tag}.target_id = ${alias}.account_id)`;

function homeSql(boostJoin, boostRule) {
  return `
WITH page AS (
  SELECT p.id, p.account_id, p.local, p.uri, p.url, p.title, p.content, p.content_warning, p.visibility,
         p.created_at, p.likes_count, p.boosts_count, p.replies_count
  FROM posts p${boostJoin}
  WHERE ${visibleTo('p', 'v')}
    AND ${notMuted('p', 'tm')}
    AND (p.account_id = $1 OR p.account_id IN (
      SELECT hf.followee_id FROM follows hf WHERE hf.follower_id = $1 AND hf.state = 'accepted'))
    AND (p.boost_of_id IS NULL OR ${boostRule})
  ORDER BY p.id DESC
  LIMIT $2
)
SELECT page.*,
       a.username AS author_username, a.domain AS author_domain, a.display_name AS author_display_name,
       a.avatar_media_id AS author_avatar_media_id, a.avatar_remote_url AS author_avatar_remote_url,
       coalesce((
         SELECT json_agg(json_build_object('id', m.id, 'local', m.storage_key IS NOT NULL, 'remoteUrl', m.remote_url,
                                           'width', m.width, 'height', m.height, 'altText', m.alt_text)
                         ORDER BY m.position, m.id)
         FROM media_attachments m WHERE m.post_id = page.id), '[]'::json) AS media
FROM page JOIN accounts a ON a.id = page.account_id
ORDER BY page.id DESC`;
}

/** $1: the viewer's account id, $2: page size + 1. */
export const HOME_SQL = homeSql(
  '\n  LEFT JOIN posts o ON o.id = p.boost_of_id',
  `(o.id IS NOT NULL AND ${visibleTo('o', 'ov')} AND ${notMuted('o', 'om')})`,
);

/** The same parameters and rows, with the repository's EXISTS form of the boost rule. */
export const REPOSITORY_HOME_SQL = homeSql(
  '',
  `EXISTS (SELECT 1 FROM posts o WHERE o.id = p.boost_of_id AND ${visibleTo('o', 'ov')} AND ${notMuted('o', 'om')})`,
);

const VISIBILITY = { public: 'PUBLIC', unlisted: 'UNLISTED', followers: 'FOLLOWERS', direct: 'DIRECT' };

const cursorOf = (id) => Buffer.from(`v1:${id}`).toString('base64url');

/**
 * The GraphQL response body for the page (same shape, key order and values as the `timeline`
 * query the bench sends), from the rows of HOME_SQL. The URL rules are post.mapper.ts,
 * account.mapper.ts and media.mapper.ts.
 */
export function toHomeResponse(rows, pageSize, origin, include) {
  const edges = rows.slice(0, pageSize).map((row) => {
    const uri = row.local ? `${origin}/posts/${row.id}` : (row.uri ?? '');
    const author = {
      id: row.account_id,
      handle: row.author_domain === null ? row.author_username : `${row.author_username}@${row.author_domain}`,
      displayName: row.author_display_name,
    };
    if (include.avatar) {
      author.avatarUrl = row.author_avatar_media_id
        ? `${origin}/media/${row.author_avatar_media_id}`
        : row.author_avatar_remote_url;
    }
    const node = {
      id: row.id,
      uri,
      url: row.local ? uri : (row.url ?? uri),
      content: row.content,
      title: row.title,
      contentWarning: row.content_warning,
      visibility: VISIBILITY[row.visibility],
      createdAt: row.created_at.toISOString(),
      likesCount: row.likes_count,
      boostsCount: row.boosts_count,
      repliesCount: row.replies_count,
      author,
    };
    if (include.media) {
      node.media = row.media.map((m) => ({
        id: m.id,
        url: m.local ? `${origin}/media/${m.id}` : (m.remoteUrl ?? ''),
        width: m.width,
        height: m.height,
        altText: m.altText,
      }));
    }
    return { cursor: cursorOf(row.id), node };
  });
  return {
    data: {
      timeline: {
        edges,
        pageInfo: {
          hasNextPage: rows.length > pageSize,
          endCursor: edges.length ? edges[edges.length - 1].cursor : null,
        },
      },
    },
  };
}
