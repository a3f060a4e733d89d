// Seeds the scratch database of `npm run bench:timeline -- --scale N` (N > 1) in SQL: the shape
// of timeline-seed.mjs (skewed authors, notes, articles, replies, boosts; mostly public, some
// unlisted, followers-only and direct with mentions; media on ~10% of posts and half the avatars;
// mutes and blocks around the readers), generated server-side with generate_series so a million
// posts take seconds, not the minutes of shipping rows from Node. Differences from the small seed:
// row contents are picked from 1,000 pre-generated sentences, the ids are UUIDv7 built in SQL
// from each row's timestamp, and the readers' follows are fixed counts (`readerFollows[i]`).
// Foreign-key triggers are off for the seeding session (session_replication_role = replica):
// every reference is built from rows inserted just before.

const DAY_MS = 86_400_000;
const SPAN_DAYS = 60;
const WORDS = (
  'guild hall craft maker song paint stitch wood clay loom kiln forge print zine draft sketch ' +
  'studio market patron member season harvest river lantern garden archive letter chorus ' +
  'workshop pattern glaze thread needle chisel canvas ink paper press bind fold weave dye'
).split(' ');

/** UUIDv7 from a Unix time in ms (48 bits of time, version 7, variant 10, random rest). */
const UUID7 = `
CREATE FUNCTION pg_temp.uuid7(ms bigint) RETURNS uuid LANGUAGE sql VOLATILE AS $$
  SELECT (lpad(to_hex(ms), 12, '0') || '7' || substr(md5(random()::text), 1, 3)
          || to_hex(8 + floor(random() * 4)::int) || substr(md5(random()::text), 1, 15))::uuid
$$`;

/**
 * readers: the accounts signed up through GraphQL ({ id }), counted in `accounts`;
 * readerFollows: how many accounts each reader follows (accepted); followsPerAccount: the mean
 * for the other accounts (50%–150% of it, 3% pending); sparseReader: an account ({ id }, not in
 * `readers`, signed up before) made to follow the 100 accounts that post least — the worst case of
 * reading HOME by walking all posts newest first. Returns the sizes of what was inserted.
 */
export async function seedTimelineSql(
  client,
  { accounts, posts, followsPerAccount, readers, readerFollows, sparseReader, now = Date.now(), log = () => {} },
) {
  const step = async (label, sql, params = []) => {
    const started = Date.now();
    const result = await client.query(sql, params);
    log(`seed: ${label} (${result.rowCount ?? 0} rows, ${Date.now() - started} ms)`);
    return result;
  };
  const R = readers.length;
  const M = accounts - R; // members seeded here
  const originals = Math.round(posts * 0.95);
  const boostsWanted = posts - originals;
  const spanMs = SPAN_DAYS * DAY_MS;
  const start = now - spanMs;

  await client.query('SET session_replication_role = replica');
  await client.query('SELECT setseed(0.5)');
  await client.query(UUID7);

  // Sentences to draw contents from (8–40 words), and every account with its number n (readers first).
  await step(
    'sentences',
    `CREATE TEMP TABLE seed_sentences AS
     SELECT k, (SELECT string_agg(($1::text[])[1 + floor(random() * cardinality($1::text[]))::int], ' ')
                FROM generate_series(1, 8 + (k * 7) % 33) WHERE k >= 0) AS s
     FROM generate_series(0, 999) k`,
    [WORDS],
  );
  await step(
    'accounts',
    `WITH fresh AS (
       SELECT $1::int + i AS n, pg_temp.uuid7($2::bigint - ($3::int - i) * 1000) AS id FROM generate_series(0, $3::int - 1) i)
     INSERT INTO accounts (id, username, display_name, bio)
     SELECT id, 'member_' || lpad(n::text, 5, '0'), 'Member ' || n, '<p>' || s.s || '</p>'
     FROM fresh JOIN seed_sentences s ON s.k = (fresh.n * 31) % 1000`,
    [R, start, M],
  );
  await step(
    'account numbers',
    `CREATE TEMP TABLE seed_accounts AS
     SELECT (row_number() OVER (ORDER BY r.ord NULLS LAST, a.username) - 1)::int AS n, a.id
     FROM accounts a LEFT JOIN unnest($1::uuid[]) WITH ORDINALITY AS r(id, ord) ON r.id = a.id
     WHERE a.id IS DISTINCT FROM $2::uuid`,
    [readers.map((reader) => reader.id), sparseReader?.id ?? null],
  );
  await client.query('CREATE UNIQUE INDEX ON seed_accounts (n)');
  await step(
    'users',
    `INSERT INTO users (id, account_id, email, password_hash)
     SELECT pg_temp.uuid7($2::bigint), sa.id, 'member_' || sa.n || '@bench.example',
            '$argon2id$v=19$m=19456,t=2,p=1$bench$bench'
     FROM seed_accounts sa WHERE sa.n >= $1`,
    [R, start],
  );

  // Follows: the readers exactly readerFollows[i] (accepted), the others ~followsPerAccount.
  await step(
    'reader follows',
    `INSERT INTO follows (id, follower_id, followee_id, state)
     SELECT pg_temp.uuid7($3::bigint + floor(random() * $4::bigint)::bigint), r.id, f.id, 'accepted'
     FROM unnest($1::uuid[], $2::int[]) AS r(id, k)
     CROSS JOIN LATERAL (SELECT sa.id FROM seed_accounts sa WHERE sa.id <> r.id ORDER BY random() LIMIT r.k) f`,
    [readers.map((reader) => reader.id), readerFollows, start, spanMs],
  );
  await step(
    'member follows',
    `INSERT INTO follows (id, follower_id, followee_id, state)
     SELECT pg_temp.uuid7($4::bigint + floor(random() * $5::bigint)::bigint), follower, followee,
            (CASE WHEN random() < 0.03 THEN 'pending' ELSE 'accepted' END)::follow_state
     FROM (
       WITH picks AS MATERIALIZED (
         SELECT sa.id AS follower, floor(random() * ($1::int + $2::int))::int AS target
         FROM seed_accounts sa
         CROSS JOIN LATERAL generate_series(1, greatest(1, round($3::int * (0.5 + random()))::int) + sa.n * 0) g
         WHERE sa.n >= $1)
       SELECT DISTINCT p.follower, t.id AS followee
       FROM picks p JOIN seed_accounts t ON t.n = p.target WHERE t.id <> p.follower
     ) pairs`,
    [R, M, followsPerAccount, start, spanMs],
  );

  // Posts: originals first (1% by readers, the rest skewed to a few members: x² over the list),
  // then boosts of random originals, later than them, one per (booster, original).
  await step(
    'originals',
    `CREATE TEMP TABLE seed_posts AS
     SELECT t.n, pg_temp.uuid7(t.ms) AS id, t.ms,
            CASE WHEN random() < 0.01 THEN floor(random() * $1::int)::int
                 ELSE $1::int + floor(random() * random() * $2::int)::int END AS author_n,
            random() AS v, random() < 0.03 AS article, random() < 0.05 AS cw,
            floor(random() * random() * 200)::int AS likes, random() AS r
     FROM (SELECT row_number() OVER (ORDER BY ms)::int AS n, ms
           FROM (SELECT $3::bigint + floor(random() * $4::bigint)::bigint AS ms FROM generate_series(1, $5::int)) x) t`,
    [R, M, start, spanMs, originals],
  );
  await client.query('CREATE UNIQUE INDEX ON seed_posts (n)');
  await step(
    'replies',
    `CREATE TEMP TABLE seed_replies AS
     SELECT p.n, floor(random() * (p.n - 1))::int + 1 AS target FROM seed_posts p WHERE p.n > 100 AND random() < 0.1`,
  );
  await step(
    'insert originals',
    `INSERT INTO posts (id, account_id, local, title, content, content_warning, visibility, in_reply_to_id,
                        in_reply_to_account_id, boost_of_id, likes_count, boosts_count, replies_count, created_at, updated_at)
     SELECT p.id, a.id, true,
            CASE WHEN p.article THEN left(s1.s, 60) END,
            CASE WHEN p.article THEN repeat('<p>' || s1.s || '</p><p>' || s2.s || '</p>', 3)
                 WHEN p.r < 0.5 THEN '<p>' || s1.s || '</p>'
                 ELSE '<p>' || s1.s || '</p><p>' || s2.s || '</p>' END,
            CASE WHEN p.cw THEN left(s2.s, 30) END,
            (CASE WHEN p.v < 0.8 THEN 'public' WHEN p.v < 0.9 THEN 'unlisted'
                  WHEN p.v < 0.99 THEN 'followers' ELSE 'direct' END)::post_visibility,
            o.id, oa.id, NULL, p.likes, floor(p.likes * p.r * 0.3)::int, floor(p.r * p.r * 20)::int,
            to_timestamp(p.ms / 1000.0), to_timestamp(p.ms / 1000.0)
     FROM seed_posts p
     JOIN seed_accounts a ON a.n = p.author_n
     JOIN seed_sentences s1 ON s1.k = p.n % 1000
     JOIN seed_sentences s2 ON s2.k = (p.n * 7) % 1000
     LEFT JOIN seed_replies rp ON rp.n = p.n
     LEFT JOIN seed_posts o ON o.n = rp.target
     LEFT JOIN seed_accounts oa ON oa.n = o.author_n`,
  );
  const boosts = await step(
    'insert boosts',
    `INSERT INTO posts (id, account_id, local, content, visibility, boost_of_id, created_at, updated_at)
     SELECT pg_temp.uuid7(b.ms), b.account_id, true, '', 'public', b.original, to_timestamp(b.ms / 1000.0),
            to_timestamp(b.ms / 1000.0)
     FROM (
       SELECT DISTINCT ON (a.id, o.id) a.id AS account_id, o.id AS original,
              o.ms + floor(random() * ($3::bigint - o.ms))::bigint AS ms
       FROM (SELECT floor(random() * $4::int)::int + 1 AS target,
                    CASE WHEN random() < 0.01 THEN floor(random() * $1::int)::int
                         ELSE $1::int + floor(random() * random() * $2::int)::int END AS booster
             FROM generate_series(1, $5::int)) c
       JOIN seed_posts o ON o.n = c.target
       JOIN seed_accounts a ON a.n = c.booster
       WHERE c.booster <> o.author_n AND o.v < 0.9
     ) b`,
    [R, M, now, originals, boostsWanted],
  );

  if (sparseReader) {
    await step(
      'sparse reader follows',
      `INSERT INTO follows (id, follower_id, followee_id, state)
       SELECT pg_temp.uuid7($2::bigint), $1::uuid, q.id, 'accepted'
       FROM (SELECT a.id FROM accounts a LEFT JOIN posts p ON p.account_id = a.id
             WHERE a.id <> $1::uuid AND a.id <> ALL($3::uuid[])
             GROUP BY a.id ORDER BY count(p.id), a.id LIMIT 100) q`,
      [sparseReader.id, start, readers.map((reader) => reader.id)],
    );
  }

  // Mentions: every direct post and 30% of followers-only ones name a random account, half of them a reader too.
  const mentions = await step(
    'mentions',
    `WITH mentioning AS MATERIALIZED (
       SELECT p.id AS post_id, p.author_n, floor(random() * ($1::int + $2::int))::int AS anyone,
              CASE WHEN p.likes % 2 = 0 THEN floor(random() * $1::int)::int END AS reader
       FROM seed_posts p WHERE p.v >= 0.99 OR (p.v >= 0.9 AND p.r < 0.3))
     INSERT INTO mentions (post_id, account_id)
     SELECT DISTINCT m.post_id, t.id
     FROM mentioning m
     CROSS JOIN LATERAL (VALUES (m.anyone), (m.reader)) AS c(n)
     JOIN seed_accounts t ON t.n = c.n
     WHERE c.n <> m.author_n`,
    [R, M],
  );

  // Media: ~10% of the originals, 1–4 images each (mostly 1); half the avatars.
  const media = await step(
    'post media',
    `INSERT INTO media_attachments (id, account_id, post_id, position, mime_type, byte_size, width, height, alt_text,
                                    storage_key, created_at)
     SELECT m.id, a.id, p.id, g.position, 'image/jpeg', 100000 + floor(random() * 900000)::int,
            CASE WHEN m.landscape THEN 1600 ELSE 1080 END, CASE WHEN m.landscape THEN 900 ELSE 1350 END,
            CASE WHEN random() < 0.7 THEN left(s.s, 60) END, 'bench/' || m.id || '.jpg', to_timestamp(p.ms / 1000.0)
     FROM (SELECT * FROM seed_posts WHERE (n * 2654435761) % 100 < 10) p
     JOIN seed_accounts a ON a.n = p.author_n
     CROSS JOIN LATERAL generate_series(0, CASE WHEN p.r < 0.7 THEN 0 ELSE 1 + p.n % 3 END) AS g(position)
     CROSS JOIN LATERAL (SELECT pg_temp.uuid7(p.ms + g.position) AS id, random() < 0.6 AS landscape) m
     JOIN seed_sentences s ON s.k = (p.n * 13) % 1000`,
  );
  const avatars = await step(
    'avatars',
    `WITH chosen AS (SELECT sa.id AS account_id, pg_temp.uuid7($1::bigint) AS media_id FROM seed_accounts sa WHERE random() < 0.5),
     inserted AS (
       INSERT INTO media_attachments (id, account_id, position, mime_type, byte_size, width, height, storage_key, created_at)
       SELECT media_id, account_id, 0, 'image/jpeg', 200000, 400, 400, 'bench/' || media_id || '.jpg', to_timestamp($1::bigint / 1000.0)
       FROM chosen RETURNING id, account_id)
     UPDATE accounts a SET avatar_media_id = i.id FROM inserted i WHERE a.id = i.account_id`,
    [start],
  );

  // Around each reader: it mutes two accounts it follows, blocks one, and one it follows blocks it.
  await step(
    'mutes and blocks',
    `CREATE TEMP TABLE seed_around AS
     SELECT f.follower_id AS reader, f.followee_id AS other,
            row_number() OVER (PARTITION BY f.follower_id ORDER BY f.id) AS k
     FROM follows f WHERE f.follower_id = ANY($1::uuid[])`,
    [readers.map((reader) => reader.id)],
  );
  const mutes = await step(
    'mutes',
    `INSERT INTO mutes (id, account_id, target_id) SELECT pg_temp.uuid7($1::bigint), reader, other FROM seed_around WHERE k <= 2`,
    [now],
  );
  const blocks = await step(
    'blocks',
    `INSERT INTO blocks (id, account_id, target_id)
     SELECT pg_temp.uuid7($1::bigint), CASE k WHEN 3 THEN reader ELSE other END, CASE k WHEN 3 THEN other ELSE reader END
     FROM seed_around WHERE k IN (3, 4)`,
    [now],
  );

  await step(
    'counters',
    `UPDATE accounts a SET
       posts_count = coalesce((SELECT count(*) FROM posts p WHERE p.account_id = a.id AND p.deleted_at IS NULL), 0),
       followers_count = (SELECT count(*) FROM follows f WHERE f.followee_id = a.id AND f.state = 'accepted'),
       following_count = (SELECT count(*) FROM follows f WHERE f.follower_id = a.id AND f.state = 'accepted')`,
  );
  await client.query('SET session_replication_role = DEFAULT');

  const count = async (sql) => Number((await client.query(sql)).rows[0].count);
  return {
    accounts: await count('SELECT count(*) FROM accounts'),
    readers: R,
    posts: await count('SELECT count(*) FROM posts'),
    boosts: boosts.rowCount,
    replies: await count('SELECT count(*) FROM posts WHERE in_reply_to_id IS NOT NULL'),
    follows: await count('SELECT count(*) FROM follows'),
    followsPerReader: readerFollows,
    sparseReaderFolloweePosts: sparseReader
      ? await count(`SELECT count(*) FROM posts p JOIN follows f ON f.followee_id = p.account_id
                     WHERE f.follower_id = '${sparseReader.id}'`)
      : null,
    mentions: mentions.rowCount,
    mediaAttachments: media.rowCount + avatars.rowCount,
    avatars: avatars.rowCount,
    mutes: mutes.rowCount,
    blocks: blocks.rowCount,
  };
}
