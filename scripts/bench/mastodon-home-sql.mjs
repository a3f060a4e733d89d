// The Mastodon home page (GET /api/v1/timelines/home) as one hand-written SQL statement and
// hand-written JSON, for `npm run bench:mastodon`'s second floor: the bare route that returns the
// same bytes as the REST route, so that the REST route is compared with a floor doing the same
// work for the same entities (ADR 0068, addendum). The first floor, /bench/home (timeline-home-sql.mjs),
// returns the GraphQL page's smaller entities.
//
// The page's rules are HOME_SQL's; each row adds what a Mastodon status shows: the author's whole
// account, the media, the tags and mentioned accounts, the viewer's favourite, boost, bookmark
// and pin, and a boost's original with its author, media, tags and mentions. The JSON follows
// libs/mastodon-api's serializers (status, account, media) key for key. What the bench data never
// holds is not written here (polls, muted conversations, filters): the bench checks this route's
// bytes against the REST page's for every reader before it measures, so a page that needed them
// would fail that check instead of flattering the ratio.
import { HOME_PAGE_SIZE, notMuted, visibleTo } from './timeline-home-sql.mjs';

const POST = (a, prefix) =>
  ['id', 'account_id', 'local', 'uri', 'url', 'title', 'summary', 'content', 'content_warning', 'language']
    .concat(['visibility', 'in_reply_to_id', 'in_reply_to_account_id', 'boost_of_id', 'likes_count'])
    .concat(['boosts_count', 'replies_count', 'created_at', 'edited_at'])
    .map((column) => `${a}.${column} AS ${prefix}${column}`)
    .join(', ');
const ACCOUNT = (a, prefix) =>
  ['id', 'username', 'domain', 'uri', 'url', 'display_name', 'bio', 'avatar_media_id', 'avatar_remote_url']
    .concat(['header_media_id', 'header_remote_url', 'manually_approves_followers', 'fields', 'actor_type'])
    .concat(['discoverable', 'created_at', 'posts_count', 'followers_count', 'following_count'])
    .map((column) => `${a}.${column} AS ${prefix}${column}`)
    .join(', ');
const MEDIA = (post) => `coalesce((
  SELECT json_agg(json_build_object('id', m.id, 'mime', m.mime_type, 'local', m.storage_key IS NOT NULL,
                                    'preview', m.preview_storage_key IS NOT NULL, 'remote', m.remote_url,
                                    'w', m.width, 'h', m.height, 'pw', m.preview_width, 'ph', m.preview_height,
                                    'alt', m.alt_text, 'blurhash', m.blurhash, 'fx', m.focus_x, 'fy', m.focus_y)
                  ORDER BY m.position, m.id)
  FROM media_attachments m WHERE m.post_id = ${post}), '[]'::json)`;
// The shown post's (the original's, for a boost) tags by name, mentioned accounts in the
// mentions' own order, and the viewer's marks on it.
const SHOWN = 'coalesce(page.boost_of_id, page.id)';
const EXTRAS = `
  coalesce((SELECT array_agg(h.name ORDER BY h.name) FROM post_hashtags ph JOIN hashtags h ON h.id = ph.hashtag_id
            WHERE ph.post_id = ${SHOWN}), '{}') AS tags,
  coalesce((SELECT json_agg(json_build_object('id', ma.id, 'username', ma.username, 'domain', ma.domain,
                                              'url', ma.url, 'uri', ma.uri) ORDER BY u.n)
            FROM unnest(ARRAY(SELECT xm.account_id FROM mentions xm WHERE xm.post_id = ${SHOWN}))
                 WITH ORDINALITY u(id, n) JOIN accounts ma ON ma.id = u.id), '[]'::json) AS mentions,
  EXISTS (SELECT 1 FROM likes xl WHERE xl.account_id = $1 AND xl.post_id = ${SHOWN}) AS liked,
  EXISTS (SELECT 1 FROM posts xb WHERE xb.account_id = $1 AND xb.boost_of_id = ${SHOWN} AND xb.deleted_at IS NULL) AS boosted,
  EXISTS (SELECT 1 FROM bookmarks xk WHERE xk.account_id = $1 AND xk.post_id = ${SHOWN}) AS bookmarked,
  EXISTS (SELECT 1 FROM pinned_posts xp WHERE xp.account_id = $1 AND xp.post_id = ${SHOWN}) AS pinned`;

/** $1: the viewer's account id; the page size + 1 is written in (a named statement, as HOME's). */
export const MASTODON_HOME_SQL = `
WITH page AS (
  SELECT p.*
  FROM posts p LEFT JOIN posts o ON o.id = p.boost_of_id
  WHERE ${visibleTo('p', 'v')}
    AND ${notMuted('p', 'tm')}
    AND (p.account_id = $1 OR p.account_id IN (
      SELECT hf.followee_id FROM follows hf WHERE hf.follower_id = $1 AND hf.state = 'accepted'))
    AND (p.boost_of_id IS NULL OR (o.id IS NOT NULL AND ${visibleTo('o', 'ov')} AND ${notMuted('o', 'om')}))
  ORDER BY p.id DESC
  LIMIT ${HOME_PAGE_SIZE + 1}
)
SELECT ${POST('page', 'p_')}, ${ACCOUNT('a', 'a_')}, ${MEDIA('page.id')} AS p_media, ${EXTRAS},
       ${POST('o', 'o_')}, ${ACCOUNT('oa', 'oa_')}, CASE WHEN o.id IS NOT NULL THEN ${MEDIA('o.id')} END AS o_media
FROM page JOIN accounts a ON a.id = page.account_id
  LEFT JOIN posts o ON o.id = page.boost_of_id LEFT JOIN accounts oa ON oa.id = o.account_id
ORDER BY page.id DESC`;

const VISIBILITY = { public: 'public', unlisted: 'unlisted', followers: 'private', direct: 'direct' };
const BOTS = new Set(['Service', 'Application']);
const MEDIA_TYPES = new Set(['image', 'video', 'audio']);

const escapeHtml = (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function account(row, p, origin) {
  const username = row[`${p}username`];
  const domain = row[`${p}domain`];
  const local = domain === null;
  const image = (id, remote, missing) => (id ? `${origin}/media/${id}` : (remote ?? `${origin}${missing}`));
  const avatar = image(row[`${p}avatar_media_id`], row[`${p}avatar_remote_url`], '/avatars/original/missing.png');
  const header = image(row[`${p}header_media_id`], row[`${p}header_remote_url`], '/headers/original/missing.png');
  const createdAt = new Date(row[`${p}created_at`]);
  createdAt.setUTCHours(0, 0, 0, 0);
  const actorType = row[`${p}actor_type`];
  const discoverable = row[`${p}discoverable`];
  return {
    id: row[`${p}id`],
    username,
    acct: local ? username : `${username}@${domain}`,
    url: local ? `${origin}/@${username}` : (row[`${p}url`] ?? row[`${p}uri`] ?? ''),
    uri: local ? `${origin}/users/${username}` : (row[`${p}uri`] ?? ''),
    display_name: row[`${p}display_name`] ?? '',
    note: row[`${p}bio`] ?? '',
    avatar,
    avatar_static: avatar,
    header,
    header_static: header,
    locked: row[`${p}manually_approves_followers`],
    fields: (row[`${p}fields`] ?? []).map(({ name, value }) => ({ name, value, verified_at: null })),
    emojis: [],
    bot: actorType !== null && BOTS.has(actorType),
    group: actorType === 'Group',
    discoverable,
    indexable: discoverable,
    hide_collections: false,
    noindex: local ? !discoverable : null,
    created_at: createdAt.toISOString(),
    last_status_at: null,
    statuses_count: row[`${p}posts_count`],
    followers_count: row[`${p}followers_count`],
    following_count: row[`${p}following_count`],
    roles: [],
  };
}

function dimensions(width, height) {
  return width && height ? { width, height, size: `${width}x${height}`, aspect: width / height } : undefined;
}

function media(m, origin) {
  const url = m.local ? `${origin}/media/${m.id}` : (m.remote ?? '');
  const meta = {};
  const original = dimensions(m.w, m.h);
  if (original) meta.original = original;
  const small = m.preview ? dimensions(m.pw, m.ph) : original;
  if (small) meta.small = small;
  if (m.fx !== null && m.fy !== null) meta.focus = { x: m.fx, y: m.fy };
  const type = m.mime.split('/', 1)[0].toLowerCase();
  return {
    id: m.id,
    type: MEDIA_TYPES.has(type) ? type : 'unknown',
    url,
    preview_url: m.local && m.preview ? `${origin}/media/${m.id}/small` : url,
    remote_url: m.local ? null : m.remote,
    preview_remote_url: null,
    text_url: null,
    meta,
    description: m.alt,
    blurhash: m.blurhash,
  };
}

function status(row, p, a, mediaColumn, origin, viewer) {
  const id = row[`${p}id`];
  const local = row[`${p}local`];
  const uri = local ? `${origin}/posts/${id}` : (row[`${p}uri`] ?? '');
  const title = row[`${p}title`];
  let content = row[`${p}content`];
  if (title !== null) {
    const link = local ? uri : (row[`${p}url`] ?? uri);
    const summary = row[`${p}summary`];
    content = `<h2>${escapeHtml(title)}</h2>${summary ? `<p>${escapeHtml(summary)}</p>` : ''}`;
    content += `<p><a href="${escapeHtml(link)}" rel="nofollow noopener" target="_blank">${escapeHtml(link)}</a></p>`;
  }
  const editedAt = row[`${p}edited_at`];
  return {
    id,
    uri,
    url: local ? uri : (row[`${p}url`] ?? uri),
    created_at: new Date(row[`${p}created_at`]).toISOString(),
    account: account(row, a, origin),
    content,
    visibility: VISIBILITY[row[`${p}visibility`]],
    sensitive: row[`${p}content_warning`] !== null,
    spoiler_text: row[`${p}content_warning`] ?? '',
    media_attachments: row[mediaColumn].map((m) => media(m, origin)),
    application: null,
    mentions: row.mentions.map((m) => ({
      id: m.id,
      username: m.username,
      url: m.domain === null ? `${origin}/@${m.username}` : (m.url ?? m.uri ?? ''),
      acct: m.domain === null ? m.username : `${m.username}@${m.domain}`,
    })),
    tags: row.tags.map((name) => ({ name, url: `${origin}/tags/${encodeURIComponent(name)}` })),
    emojis: [],
    reblogs_count: row[`${p}boosts_count`],
    favourites_count: row[`${p}likes_count`],
    replies_count: row[`${p}replies_count`],
    in_reply_to_id: row[`${p}in_reply_to_id`],
    in_reply_to_account_id: row[`${p}in_reply_to_account_id`],
    reblog: null,
    poll: null,
    card: null,
    language: row[`${p}language`],
    text: null,
    edited_at: editedAt ? new Date(editedAt).toISOString() : null,
    ...viewer,
  };
}

/** The Mastodon statuses of the page (the look-ahead row left out), as the REST route renders them. */
export function toMastodonHome(rows, origin) {
  return rows.slice(0, HOME_PAGE_SIZE).map((row) => {
    const viewer = {
      favourited: row.liked,
      reblogged: row.boosted,
      bookmarked: row.bookmarked,
      muted: false,
      pinned: row.pinned,
    };
    if (row.p_boost_of_id === null) return status(row, 'p_', 'a_', 'p_media', origin, viewer);
    const reblog = status(row, 'o_', 'oa_', 'o_media', origin, viewer);
    return {
      ...reblog,
      id: row.p_id,
      uri: row.p_local ? `${origin}/posts/${row.p_id}/activity` : (row.p_uri ?? ''),
      url: null,
      created_at: new Date(row.p_created_at).toISOString(),
      account: account(row, 'a_', origin),
      content: '',
      visibility: VISIBILITY[row.p_visibility],
      sensitive: false,
      spoiler_text: '',
      media_attachments: [],
      mentions: [],
      tags: [],
      reblogs_count: 0,
      favourites_count: 0,
      replies_count: 0,
      in_reply_to_id: null,
      in_reply_to_account_id: null,
      reblog,
      poll: null,
      language: null,
      edited_at: null,
    };
  });
}
