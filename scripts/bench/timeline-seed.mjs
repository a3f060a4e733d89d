// Seeds the scratch database of `npm run bench:timeline`: local accounts (with users), posts
// (notes, a few articles, replies, boosts; mostly public, some unlisted, followers-only and
// direct with mentions), follows (each account follows ~100 others), media on ~10% of posts and
// on half the avatars, and a few mutes and blocks around the readers so every HOME rule has rows
// to apply to. Deterministic (seeded PRNG) apart from the random bits of the UUIDv7 ids. Inserts
// go in batches of BATCH rows, one `INSERT … SELECT * FROM unnest($1::type[], …)` each.

const BATCH = 5_000;
const DAY_MS = 86_400_000;
const SPAN_DAYS = 60;
// Indexes in a post row (see the column list of the posts insert).
const BOOST_OF = 9;
const CREATED_AT = 13;
const WORDS = (
  'guild hall craft maker song paint stitch wood clay loom kiln forge print zine draft sketch ' +
  'studio market patron member season harvest river lantern garden archive letter chorus ' +
  'workshop pattern glaze thread needle chisel canvas ink paper press bind fold weave dye'
).split(' ');

/** mulberry32: a small seeded PRNG, so two runs seed the same shape. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function insert(client, table, columns, types, rows) {
  const list = columns.join(', ');
  const unnest = types.map((type, i) => `$${i + 1}::${type}[]`).join(', ');
  const sql = `INSERT INTO ${table} (${list}) SELECT * FROM unnest(${unnest})`;
  for (let start = 0; start < rows.length; start += BATCH) {
    const chunk = rows.slice(start, start + BATCH);
    await client.query(
      sql,
      columns.map((_, i) => chunk.map((row) => row[i])),
    );
  }
}

/**
 * readers: the accounts signed up through GraphQL ({ id }); they count towards `accounts`.
 * Returns the sizes of what was inserted.
 */
export async function seedTimeline(client, { accounts, posts, followsPerAccount, readers, uuidv7, now = Date.now() }) {
  const random = prng(0x5eed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const sentence = (min, max) => {
    const n = min + Math.floor(random() * (max - min + 1));
    return Array.from({ length: n }, () => pick(WORDS)).join(' ');
  };

  // Accounts (and their users): the readers exist already.
  const accountRows = [];
  const userRows = [];
  const ids = readers.map((reader) => reader.id);
  for (let i = ids.length; i < accounts; i++) {
    const id = uuidv7(now - SPAN_DAYS * DAY_MS - (accounts - i) * 1000);
    const username = `member_${String(i).padStart(4, '0')}`;
    ids.push(id);
    accountRows.push([id, username, `Member ${i}`, `<p>${sentence(5, 15)}</p>`]);
    // Placeholder hash: these accounts never log in.
    userRows.push([uuidv7(), id, `${username}@bench.example`, '$argon2id$v=19$m=19456,t=2,p=1$bench$bench']);
  }
  await insert(
    client,
    'accounts',
    ['id', 'username', 'display_name', 'bio'],
    ['uuid', 'text', 'text', 'text'],
    accountRows,
  );
  await insert(
    client,
    'users',
    ['id', 'account_id', 'email', 'password_hash'],
    ['uuid', 'uuid', 'text', 'text'],
    userRows,
  );

  // Follows: everyone follows ~followsPerAccount others (3% still pending); readers exactly that many, accepted.
  const readerIds = new Set(ids.slice(0, readers.length));
  const follows = [];
  const followed = new Map(); // follower -> Set(followee), accepted only
  for (const follower of ids) {
    const targets = new Set();
    const count = readerIds.has(follower)
      ? followsPerAccount
      : Math.max(1, Math.round(followsPerAccount * (0.5 + random())));
    while (targets.size < count) {
      const followee = pick(ids);
      if (followee !== follower) targets.add(followee);
    }
    const accepted = new Set();
    for (const followee of targets) {
      const state = !readerIds.has(follower) && random() < 0.03 ? 'pending' : 'accepted';
      if (state === 'accepted') accepted.add(followee);
      follows.push([uuidv7(now - Math.floor(random() * SPAN_DAYS * DAY_MS)), follower, followee, state]);
    }
    followed.set(follower, accepted);
  }
  await insert(
    client,
    'follows',
    ['id', 'follower_id', 'followee_id', 'state'],
    ['uuid', 'uuid', 'uuid', 'follow_state'],
    follows,
  );

  // Posts, oldest first so replies and boosts point back in time. Authors are skewed: a few
  // accounts post much more than most (x^2 over the account list).
  const times = Array.from({ length: posts }, () => now - Math.floor(random() * SPAN_DAYS * DAY_MS)).sort(
    (a, b) => a - b,
  );
  const postRows = [];
  const mentionRows = [];
  const boosted = new Set(); // `${account}:${original}`
  const authorOf = [];
  let boosts = 0;
  let replies = 0;
  for (let i = 0; i < posts; i++) {
    const at = times[i];
    const id = uuidv7(at);
    const accountId =
      random() < 0.01
        ? pick(ids.slice(0, readers.length))
        : ids[readers.length + Math.floor(random() * random() * (ids.length - readers.length))];
    const createdAt = new Date(at).toISOString();
    const roll = random();
    let boostOf = null;
    if (i > 100 && roll < 0.05) {
      const j = Math.floor(random() * i);
      const original = postRows[j];
      const key = `${accountId}:${original[0]}`;
      if (original[BOOST_OF] === null && authorOf[j] !== accountId && !boosted.has(key)) {
        boosted.add(key);
        boostOf = original[0];
      }
    }
    if (boostOf) {
      boosts++;
      // A boost: no content of its own, public.
      postRows.push([
        id,
        accountId,
        true,
        null,
        '',
        null,
        'public',
        null,
        null,
        boostOf,
        0,
        0,
        0,
        createdAt,
        createdAt,
      ]);
      authorOf.push(accountId);
      continue;
    }
    const v = random();
    const visibility = v < 0.8 ? 'public' : v < 0.9 ? 'unlisted' : v < 0.99 ? 'followers' : 'direct';
    const isArticle = random() < 0.03;
    const title = isArticle ? sentence(3, 8) : null;
    const paragraphs = isArticle ? 6 : 1 + Math.floor(random() * 2);
    const content = Array.from({ length: paragraphs }, () => `<p>${sentence(8, 40)}</p>`).join('');
    const contentWarning = random() < 0.05 ? sentence(2, 4) : null;
    let inReplyTo = null;
    let inReplyToAccount = null;
    if (i > 100 && random() < 0.1) {
      const j = Math.floor(random() * i);
      if (postRows[j][BOOST_OF] === null) {
        inReplyTo = postRows[j][0];
        inReplyToAccount = authorOf[j];
        replies++;
      }
    }
    const likes = Math.floor(random() * random() * 200);
    postRows.push([
      id,
      accountId,
      true,
      title,
      content,
      contentWarning,
      visibility,
      inReplyTo,
      inReplyToAccount,
      null,
      likes,
      Math.floor(likes * random() * 0.3),
      Math.floor(random() * random() * 20),
      createdAt,
      createdAt,
    ]);
    authorOf.push(accountId);
    if (visibility === 'direct' || (visibility === 'followers' && random() < 0.3)) {
      const mentioned = new Set([pick(ids)]);
      if (random() < 0.5) mentioned.add(pick([...readerIds]));
      for (const target of mentioned) if (target !== accountId) mentionRows.push([id, target]);
    }
  }
  await insert(
    client,
    'posts',
    [
      'id',
      'account_id',
      'local',
      'title',
      'content',
      'content_warning',
      'visibility',
      'in_reply_to_id',
      'in_reply_to_account_id',
      'boost_of_id',
      'likes_count',
      'boosts_count',
      'replies_count',
      'created_at',
      'updated_at',
    ],
    [
      'uuid',
      'uuid',
      'bool',
      'text',
      'text',
      'text',
      'post_visibility',
      'uuid',
      'uuid',
      'uuid',
      'int4',
      'int4',
      'int4',
      'timestamptz',
      'timestamptz',
    ],
    postRows,
  );
  await insert(client, 'mentions', ['post_id', 'account_id'], ['uuid', 'uuid'], mentionRows);

  // Media: ~10% of the notes and articles, 1-4 images each (mostly 1); half the avatars.
  const mediaRows = [];
  const mediaRow = (id, accountId, postId, position, createdAt) => {
    const landscape = random() < 0.6;
    const width = landscape ? 1600 : 1080;
    const height = landscape ? 900 : 1350;
    return [
      id,
      accountId,
      postId,
      position,
      'image/jpeg',
      100_000 + Math.floor(random() * 900_000),
      width,
      height,
      random() < 0.7 ? sentence(3, 12) : null,
      `bench/${id}.jpg`,
      createdAt,
    ];
  };
  let postsWithMedia = 0;
  for (let i = 0; i < postRows.length; i++) {
    const row = postRows[i];
    if (row[BOOST_OF] !== null || random() >= 0.1) continue;
    postsWithMedia++;
    const n = random() < 0.7 ? 1 : 2 + Math.floor(random() * 3);
    for (let position = 0; position < n; position++) {
      mediaRows.push(mediaRow(uuidv7(times[i]), row[1], row[0], position, row[CREATED_AT]));
    }
  }
  const avatars = [];
  for (const accountId of ids) {
    if (random() < 0.5) continue;
    const id = uuidv7(now - SPAN_DAYS * DAY_MS);
    mediaRows.push(mediaRow(id, accountId, null, 0, new Date(now - SPAN_DAYS * DAY_MS).toISOString()));
    avatars.push([accountId, id]);
  }
  await insert(
    client,
    'media_attachments',
    [
      'id',
      'account_id',
      'post_id',
      'position',
      'mime_type',
      'byte_size',
      'width',
      'height',
      'alt_text',
      'storage_key',
      'created_at',
    ],
    ['uuid', 'uuid', 'uuid', 'int4', 'text', 'int4', 'int4', 'int4', 'text', 'text', 'timestamptz'],
    mediaRows,
  );
  await client.query(
    `UPDATE accounts a SET avatar_media_id = v.media_id
     FROM unnest($1::uuid[], $2::uuid[]) AS v(account_id, media_id) WHERE a.id = v.account_id`,
    [avatars.map((row) => row[0]), avatars.map((row) => row[1])],
  );

  // Around each reader: it mutes two accounts it follows, blocks one, and one it follows blocks it.
  const mutes = [];
  const blocks = [];
  for (const readerId of readerIds) {
    const following = [...followed.get(readerId)];
    mutes.push([uuidv7(), readerId, following[0]], [uuidv7(), readerId, following[1]]);
    blocks.push([uuidv7(), readerId, following[2]], [uuidv7(), following[3], readerId]);
  }
  await insert(client, 'mutes', ['id', 'account_id', 'target_id'], ['uuid', 'uuid', 'uuid'], mutes);
  await insert(client, 'blocks', ['id', 'account_id', 'target_id'], ['uuid', 'uuid', 'uuid'], blocks);

  // The denormalised counters, as the app keeps them.
  await client.query(`
    UPDATE accounts a SET
      posts_count = (SELECT count(*) FROM posts p WHERE p.account_id = a.id AND p.deleted_at IS NULL),
      followers_count = (SELECT count(*) FROM follows f WHERE f.followee_id = a.id AND f.state = 'accepted'),
      following_count = (SELECT count(*) FROM follows f WHERE f.follower_id = a.id AND f.state = 'accepted')`);

  return {
    accounts: ids.length,
    readers: readers.length,
    posts: postRows.length,
    boosts,
    replies,
    follows: follows.length,
    followsPerReader: followsPerAccount,
    mentions: mentionRows.length,
    postsWithMedia,
    mediaAttachments: mediaRows.length,
    avatars: avatars.length,
    mutes: mutes.length,
    blocks: blocks.length,
  };
}
