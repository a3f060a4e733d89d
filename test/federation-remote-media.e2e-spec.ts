import { randomUUID } from 'node:crypto';
import { ConfigService, queueConnection, uuidv7 } from '@guildhall/core';
import { Queue, type QueueOptions } from 'bullmq';
import { DataSource } from 'typeorm';
import { signUp, type SignedUp } from './utils/factories';
import { startPeer, trustCertificateInThisProcess, type Peer, type PeerActor } from './utils/peer';
import { createListeningTestApp, type TestApp } from './utils/test-app';
import { drained, eventually } from './utils/eventually';

const AS = 'https://www.w3.org/ns/activitystreams';
const PUBLIC = `${AS}#Public`;
/** The context Mastodon sends with a status (the terms that matter here). */
const MASTODON_CONTEXT = [
  AS,
  {
    toot: 'http://joinmastodon.org/ns#',
    sensitive: 'as:sensitive',
    blurhash: 'toot:blurhash',
    focalPoint: { '@container': '@list', '@id': 'toot:focalPoint' },
    schema: 'http://schema.org#',
    PropertyValue: 'schema:PropertyValue',
    value: 'schema:value',
  },
];
const CAT_BLURHASH = 'UBL_:rOpGG-oBUNG,qRj2so|=eE1w^n4S5NH';
const CLIP_BLURHASH = 'LEHV6nWB2yk8pyo0adR*.7kCMdnj';

interface MediaView {
  id: string;
  type: string;
  url: string;
  remoteUrl: string | null;
  mimeType: string;
  width: number | null;
  height: number | null;
  byteSize: number | null;
  altText: string | null;
  blurhash: string | null;
}

const MEDIA = 'media { id type url remoteUrl mimeType width height byteSize altText blurhash }';
const withoutId = ({ id: _id, ...rest }: MediaView) => rest;

/**
 * Remote posts' attachments: an independent Fedify peer (and, for Mastodon's exact JSON with
 * `blurhash`, a hand-written Create it signs) sends them; they are stored as links to the remote
 * files, in order, and shown through GraphQL as local media are.
 */
describe('federation: media of remote posts', () => {
  let peer: Peer;
  let t: TestApp & { origin: string };
  let db: DataSource;
  let queue: Queue;
  let carol: SignedUp;
  let mira: PeerActor;
  let miraId: string;

  const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) => db.query<T[]>(query, params);
  const sharedInbox = () => `${t.origin}/inbox`;
  const files = (name: string) => `https://files.mira.example/media/${name}`;

  async function accountId(handle: string): Promise<string> {
    const res = await t.gql<{ account: { id: string } | null }>(
      'query($handle: String!) { account(handle: $handle) { id } }',
      { handle },
    );
    if (!res.data?.account) throw new Error(`no account ${handle}: ${JSON.stringify(res.errors)}`);
    return res.data.account.id;
  }

  /** `user` follows a peer actor (our Follow out, the peer's Accept in): its posts then reach us. */
  async function followPeer(user: SignedUp, actor: PeerActor): Promise<string> {
    const res = await t.gql<{ follow: { state: string } }>(
      'mutation($handle: String!) { follow(handle: $handle) { state } }',
      { handle: actor.handle },
      user.token,
    );
    expect(res.data?.follow.state).toBe('PENDING');
    const id = await accountId(actor.handle);
    await eventually(
      () =>
        sql<{ state: string }>('SELECT state FROM follows WHERE follower_id = $1 AND followee_id = $2', [
          user.account.id,
          id,
        ]),
      (rows) => expect(rows).toEqual([{ state: 'accepted' }]),
    );
    return id;
  }

  const storedPostId = (uri: string) =>
    eventually(
      () => sql<{ id: string }>('SELECT id FROM posts WHERE uri = $1', [uri]),
      (rows) => expect(rows).toHaveLength(1),
    ).then((rows) => rows[0].id);

  async function postView(id: string, token?: string) {
    const res = await t.gql<{
      post: { uri: string; sensitive: boolean; contentWarning: string | null; media: MediaView[] } | null;
    }>(`query($id: ID!) { post(id: $id) { uri sensitive contentWarning ${MEDIA} } }`, { id }, token);
    expect(res.errors).toBeUndefined();
    return res.data!.post;
  }

  const mediaRows = (postId: string) =>
    sql<{ id: string; remote_url: string; storage_key: string | null; byte_size: number | null; account_id: string }>(
      'SELECT id, remote_url, storage_key, byte_size, account_id FROM media_attachments WHERE post_id = $1 ORDER BY position',
      [postId],
    );

  /** A Create(Note) from mira as Mastodon writes it, signed by the peer with mira's key. */
  function mastodonCreate(noteId: string, note: Record<string, unknown>) {
    return peer.rawPost({
      url: sharedInbox(),
      sign: { actor: 'mira' },
      body: JSON.stringify({
        '@context': MASTODON_CONTEXT,
        id: `${noteId}/activity`,
        type: 'Create',
        actor: mira.id,
        to: [PUBLIC],
        cc: [mira.followers],
        object: {
          id: noteId,
          type: 'Note',
          attributedTo: mira.id,
          to: [PUBLIC],
          cc: [mira.followers],
          published: new Date().toISOString(),
          ...note,
        },
      }),
    });
  }

  beforeAll(async () => {
    peer = await startPeer();
    trustCertificateInThisProcess(peer.caCertPath);
    // The peer is on loopback: its actors and keys are fetched from 127.0.0.1.
    t = await createListeningTestApp({ FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true' }, { withWorker: true });
    db = t.app.get(DataSource);
    queue = new Queue('federation', queueConnection(t.app.get(ConfigService)) as unknown as QueueOptions);
    carol = await signUp(t);
    mira = await peer.createActor({ username: 'mira' });
    miraId = await followPeer(carol, mira);
  }, 60_000);

  afterAll(async () => {
    await queue?.close();
    await t?.close();
    await peer?.stop();
  });

  it("stores a Mastodon Note's Documents in order (description, BlurHash, size), skipping a Link and a file: URL", async () => {
    const noteId = `${peer.httpOrigin}/users/mira/statuses/${randomUUID()}`;
    const sent = await mastodonCreate(noteId, {
      content: '<p>Two things</p>',
      sensitive: true,
      attachment: [
        {
          type: 'Document',
          mediaType: 'image/jpeg',
          url: files('cat.jpg'),
          name: 'A cat asleep on a keyboard',
          blurhash: CAT_BLURHASH,
          focalPoint: [0.1, -0.2],
          width: 1200,
          height: 800,
        },
        { type: 'Link', href: 'https://example.com/article', mediaType: 'text/html', name: 'Article' },
        { type: 'PropertyValue', name: 'Mood', value: 'sleepy' },
        { type: 'Document', mediaType: 'image/png', url: 'file:///etc/passwd', name: 'Not a file to link' },
        {
          type: 'Document',
          mediaType: 'video/mp4',
          url: files('clip.mp4'),
          name: null,
          blurhash: CLIP_BLURHASH,
          width: 640,
          height: 360,
        },
      ],
    });
    expect(sent.status).toBe(202);
    const postId = await storedPostId(noteId);

    const view = await postView(postId, carol.token);
    expect(view).toMatchObject({ uri: noteId, sensitive: true, contentWarning: '' });
    expect(view!.media.map(withoutId)).toEqual([
      {
        type: 'IMAGE',
        url: files('cat.jpg'),
        remoteUrl: files('cat.jpg'),
        mimeType: 'image/jpeg',
        width: 1200,
        height: 800,
        byteSize: null,
        altText: 'A cat asleep on a keyboard',
        blurhash: CAT_BLURHASH,
      },
      {
        type: 'VIDEO',
        url: files('clip.mp4'),
        remoteUrl: files('clip.mp4'),
        mimeType: 'video/mp4',
        width: 640,
        height: 360,
        byteSize: null,
        altText: null,
        blurhash: CLIP_BLURHASH,
      },
    ]);
    // Links to the files, by the post's author; nothing downloaded.
    expect(
      (await mediaRows(postId)).map(({ remote_url, storage_key, byte_size, account_id }) => ({
        remote_url,
        storage_key,
        byte_size,
        account_id,
      })),
    ).toEqual([
      { remote_url: files('cat.jpg'), storage_key: null, byte_size: null, account_id: miraId },
      { remote_url: files('clip.mp4'), storage_key: null, byte_size: null, account_id: miraId },
    ]);

    // HOME reads media with the timeline's own query.
    const home = await t.gql<{ timeline: { edges: { node: { uri: string; media: MediaView[] } }[] } }>(
      `{ timeline(kind: HOME, first: 20) { edges { node { uri ${MEDIA} } } } }`,
      {},
      carol.token,
    );
    const inHome = home.data!.timeline.edges.find((edge) => edge.node.uri === noteId);
    expect(inHome?.node.media).toEqual(view!.media);

    // The local media route serves uploads only: a remote file is never looked up on disk.
    await t.http().get(`/media/${view!.media[0].id}`).expect(404);
  });

  it('replaces the attachments on Update (an unchanged file keeps its id) and removes them on Delete', async () => {
    const created = await peer.create({
      actor: 'mira',
      content: '<p>Album</p>',
      attachment: [
        { type: 'Image', mediaType: 'image/png', url: files('a.png'), name: 'First', width: 10, height: 20 },
        { type: 'Video', mediaType: 'video/webm', url: files('b.webm') },
      ],
    });
    const postId = await storedPostId(created.objectId);
    const before = (await postView(postId))!.media;
    expect(before.map((media) => [media.type, media.url, media.altText, media.width, media.height])).toEqual([
      ['IMAGE', files('a.png'), 'First', 10, 20],
      ['VIDEO', files('b.webm'), null, null, null],
    ]);

    await peer.update({
      actor: 'mira',
      object: created.objectId,
      content: '<p>Album, reordered</p>',
      attachment: [
        { type: 'Document', mediaType: 'video/webm', url: files('b.webm'), name: 'Now described' },
        { type: 'Link', href: 'https://example.com/' },
        { type: 'Audio', mediaType: 'audio/ogg', url: files('c.ogg'), summary: 'Birdsong' },
      ],
    });
    const after = await eventually(
      async () => (await postView(postId))!.media,
      (media) => expect(media.map((item) => item.url)).toEqual([files('b.webm'), files('c.ogg')]),
    );
    expect(after.map((media) => [media.type, media.altText])).toEqual([
      ['VIDEO', 'Now described'],
      ['AUDIO', 'Birdsong'],
    ]);
    expect(after[0].id).toBe(before[1].id);
    expect(await sql('SELECT id FROM media_attachments WHERE id = $1', [before[0].id])).toEqual([]);
    const edits = await t.gql<{ post: { content: string; edits: { content: string }[] } }>(
      'query($id: ID!) { post(id: $id) { content edits { content } } }',
      { id: postId },
    );
    expect(edits.data!.post).toEqual({
      content: '<p>Album, reordered</p>',
      edits: [{ content: '<p>Album</p>' }],
    });

    await peer.delete({ actor: 'mira', object: created.objectId });
    await eventually(
      () => mediaRows(postId),
      (rows) => expect(rows).toEqual([]),
    );
    expect(
      await sql<{ deleted: boolean }>('SELECT deleted_at IS NOT NULL AS deleted FROM posts WHERE id = $1', [postId]),
    ).toEqual([{ deleted: true }]);
  });

  it('an Update with an empty attachment list removes them', async () => {
    const created = await peer.create({
      actor: 'mira',
      content: '<p>One picture</p>',
      attachment: [{ type: 'Image', mediaType: 'image/gif', url: files('d.gif') }],
    });
    const postId = await storedPostId(created.objectId);
    expect((await mediaRows(postId)).map((row) => row.remote_url)).toEqual([files('d.gif')]);
    await peer.update({ actor: 'mira', object: created.objectId, content: '<p>No picture</p>', attachment: [] });
    await eventually(
      () => mediaRows(postId),
      (rows) => expect(rows).toEqual([]),
    );
  });

  it("removes a deleted actor's media with its posts", async () => {
    const noor = await peer.createActor({ username: 'noor' });
    const noorId = await followPeer(carol, noor);
    const created = await peer.create({
      actor: 'noor',
      content: '<p>Mine</p>',
      attachment: [{ type: 'Image', mediaType: 'image/webp', url: 'https://cdn.noor.example/e.webp' }],
    });
    const postId = await storedPostId(created.objectId);
    expect(await mediaRows(postId)).toHaveLength(1);
    await peer.deleteActor({ actor: 'noor' });
    await eventually(
      () => sql('SELECT id FROM media_attachments WHERE account_id = $1', [noorId]),
      (rows) => expect(rows).toEqual([]),
    );
    expect(
      await sql<{ suspended: boolean }>('SELECT suspended_at IS NOT NULL AS suspended FROM accounts WHERE id = $1', [
        noorId,
      ]),
    ).toEqual([{ suspended: true }]);
  });

  it("purges a blocked domain's media with its accounts", async () => {
    const domain = `media-${randomUUID().slice(0, 8)}.example`;
    const postId = uuidv7();
    const [{ id: accountIdHere }] = await sql<{ id: string }>(
      `INSERT INTO accounts (username, domain, uri) VALUES ('spammer', $1, $2) RETURNING id`,
      [domain, `https://${domain}/users/spammer`],
    );
    await sql(
      `INSERT INTO posts (id, account_id, local, uri, content, visibility) VALUES ($1, $2, false, $3, '<p>x</p>', 'public')`,
      [postId, accountIdHere, `https://${domain}/notes/1`],
    );
    await sql(
      `INSERT INTO media_attachments (id, account_id, post_id, position, mime_type, remote_url)
       VALUES ($1, $2, $3, 0, 'image/png', $4)`,
      [uuidv7(), accountIdHere, postId, `https://${domain}/files/x.png`],
    );
    const moderator = await signUp(t);
    await sql(`UPDATE users SET role = 'moderator' WHERE account_id = $1`, [moderator.account.id]);
    const res = await t.gql(
      'mutation($domain: String!) { blockDomain(domain: $domain, reason: "spam") { domain } }',
      { domain },
      moderator.token,
    );
    expect(res.errors).toBeUndefined();
    // The purge runs in the worker, after the block is stored.
    await eventually(
      () => sql('SELECT id FROM media_attachments WHERE account_id = $1', [accountIdHere]),
      (rows) => expect(rows).toEqual([]),
    );
    expect(await sql('SELECT id FROM posts WHERE id = $1', [postId])).toEqual([]);
  });

  it('never stores a row that is neither an upload nor a remote file', async () => {
    await expect(
      sql(`INSERT INTO media_attachments (id, account_id, mime_type) VALUES ($1, $2, 'image/png')`, [
        uuidv7(),
        carol.account.id,
      ]),
    ).rejects.toThrow(/media_attachments_source_check/);
    await drained([queue]);
  });
});
