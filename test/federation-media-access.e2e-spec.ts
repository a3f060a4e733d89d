import { ConfigService, queueConnection } from '@guildhall/core';
import { MediaCapabilities } from '@guildhall/content';
import { Queue, type QueueOptions } from 'bullmq';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { png } from './fixtures/images';
import { drained, eventually } from './utils/eventually';
import { signUp, type SignedUp } from './utils/factories';
import { startPeer, type Peer, type PeerActor } from './utils/peer';
import { createListeningTestApp, type TestApp } from './utils/test-app';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- documents from the wire
type Json = Record<string, any>;

const IMAGE = png(2, 3);
const CAPABILITY = /^\/media\/([0-9a-f-]{36})\/([A-Za-z0-9_-]{32})$/;

/**
 * Remote servers fetching a local post's images (ADR 0025): an HTTP-signed GET of /media/:id reads
 * as the signer's remote account under the one visibility rule; outbound objects of followers-only
 * and direct posts point at capability URLs (/media/:id/:secret) that an unsigned fetch (as
 * Mastodon downloads attachments) may use, until the post is deleted or its owner suspended.
 */
describe('remote access to media', () => {
  let peer: Peer;
  let t: TestApp & { origin: string };
  let db: DataSource;
  let queues: Queue[];
  let author: SignedUp;
  const actors: Record<string, PeerActor> = {};

  const actorUri = (user: SignedUp) => `${t.origin}/users/${user.username}`;
  const mediaUrl = (id: string) => `${t.origin}/media/${id}`;
  const signedGet = (url: string, actor: string) => peer.fetch(url, { actor, accept: 'image/*' });
  const unsignedGet = (path: string) => request(t.origin).get(path);

  const upload = async (who: SignedUp): Promise<string> => {
    const res = await t
      .http()
      .post('/api/v1/media')
      .set('authorization', `Bearer ${who.token}`)
      .attach('file', IMAGE, { filename: 'x.png', contentType: 'image/png' });
    expect(res.status).toBe(200);
    return (res.body as { id: string }).id;
  };

  const post = async (who: SignedUp, visibility: string, mediaIds: string[]): Promise<string> => {
    const res = await t.gql<{ createPost: { id: string } }>(
      'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }',
      { input: { content: `${visibility} picture`, visibility, mediaIds } },
      who.token,
    );
    if (!res.data?.createPost) throw new Error(JSON.stringify(res.errors));
    return res.data.createPost.id;
  };

  /** The attachment URL of the Create the follower's server received for this post. */
  const deliveredAttachmentUrl = async (postId: string): Promise<string> => {
    const postUri = `${t.origin}/posts/${postId}`;
    const entry = await eventually(
      () => peer.received({ type: 'Create', actor: actorUri(author) }),
      (entries) => expect(entries.find((e) => (e.activity?.object as Json | undefined)?.id === postUri)).toBeDefined(),
      20_000,
    );
    const create = entry.find((e) => (e.activity?.object as Json).id === postUri)!;
    const attachment = [(create.activity!.object as Json).attachment].flat() as Json[];
    expect(attachment).toHaveLength(1);
    expect(attachment[0]).toMatchObject({ type: 'Document', mediaType: 'image/png' });
    return String(attachment[0].url);
  };

  const follows = (actor: PeerActor) =>
    db.query<{ state: string }[]>(
      'SELECT f.state FROM follows f JOIN accounts a ON a.id = f.follower_id WHERE a.uri = $1 AND f.followee_id = $2',
      [actor.id, author.account.id],
    );

  beforeAll(async () => {
    peer = await startPeer({ startTimeoutMs: 60_000 });
    t = await createListeningTestApp({ FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true' }, { withWorker: true });
    db = t.app.get(DataSource);
    const connection = queueConnection(t.app.get(ConfigService)) as unknown as QueueOptions;
    queues = [new Queue('federation', connection), new Queue('federation-outbound', connection)];
    author = await signUp(t);
    for (const name of ['follower', 'stranger']) actors[name] = await peer.createActor({ username: name });
    await peer.follow({ actor: 'follower', target: actorUri(author) });
    await eventually(
      () => follows(actors.follower),
      (rows) => expect(rows).toEqual([{ state: 'accepted' }]),
    );
  }, 120_000);

  afterAll(async () => {
    if (queues) await drained(queues);
    await Promise.all((queues ?? []).map((queue) => queue.close()));
    await t?.close();
    await peer?.stop();
  });

  it("serves a followers-only post's image to its follower's signed GET, and 404 to anyone else", async () => {
    const photo = await upload(author);
    await post(author, 'FOLLOWERS', [photo]);

    const follower = await signedGet(mediaUrl(photo), 'follower');
    expect(follower.status).toBe(200);
    expect(follower.contentType).toBe('image/png');
    expect(follower.headers['content-length']).toBe(String(IMAGE.length));
    expect(follower.headers['cache-control']).toBe('private, no-store');

    // Signed by an actor who follows no one here, by the peer's instance actor, unsigned: the same
    // 404 as for a missing image.
    expect((await signedGet(mediaUrl(photo), 'stranger')).status).toBe(404);
    expect((await signedGet(mediaUrl(photo), '_peer')).status).toBe(404);
    expect((await unsignedGet(`/media/${photo}`)).status).toBe(404);
    expect((await signedGet(mediaUrl('0190f3a0-0000-7000-8000-000000000000'), 'follower')).status).toBe(404);

    // A bearer token decides when both are sent: a signature of someone else's changes nothing.
    const both = await peer.rawPost({
      url: mediaUrl(photo),
      method: 'GET',
      headers: { accept: 'image/*', authorization: `Bearer ${author.token}` },
      sign: { actor: 'stranger' },
    });
    expect(both.status).toBe(200);
    const otherReader = await peer.rawPost({
      url: mediaUrl(photo),
      method: 'GET',
      headers: { accept: 'image/*', authorization: `Bearer ${(await signUp(t)).token}` },
      sign: { actor: 'follower' },
    });
    expect(otherReader.status).toBe(404);
  });

  it('refuses a signature that does not verify, or that is outside its window, with 401 and a reason', async () => {
    const photo = await upload(author);
    await post(author, 'FOLLOWERS', [photo]);
    const forged = await peer.rawPost({
      url: mediaUrl(photo),
      method: 'GET',
      headers: { accept: 'image/*' },
      // The follower's key id, signed with the stranger's key.
      sign: { actor: 'follower', keyOf: 'stranger', keyId: actors.follower.keyId },
    });
    expect(forged.status).toBe(401);
    expect(JSON.parse(forged.body)).toMatchObject({ reason: 'MEDIA_SIGNATURE_INVALID' });

    // A key document of the stranger's naming the follower as its owner, which the follower's own
    // document does not list: it does not make the stranger the follower (key ownership, ADR 0017).
    const { keyId } = await peer.forgeKey({ actor: 'stranger', owner: actors.follower.id });
    const borrowed = await peer.rawPost({
      url: mediaUrl(photo),
      method: 'GET',
      headers: { accept: 'image/*' },
      sign: { actor: 'stranger', keyId },
    });
    expect(borrowed.status).toBe(401);
    expect(JSON.parse(borrowed.body)).toMatchObject({ reason: 'MEDIA_SIGNATURE_INVALID' });

    const stale = await peer.rawPost({
      url: mediaUrl(photo),
      method: 'GET',
      headers: { accept: 'image/*' },
      sign: { actor: 'follower', date: new Date(Date.now() - 3 * 3_600_000).toUTCString() },
    });
    expect(stale.status).toBe(401);
    expect(JSON.parse(stale.body)).toMatchObject({
      reason: 'MEDIA_SIGNATURE_INVALID',
      message: 'Signature expired (its Date is too old)',
    });

    // The same request, signed properly now, is served.
    const fresh = await peer.rawPost({
      url: mediaUrl(photo),
      method: 'GET',
      headers: { accept: 'image/*' },
      sign: { actor: 'follower' },
    });
    expect(fresh.status).toBe(200);
  });

  it("stops serving the follower once it unfollows, and a signed GET of a public post's image still works", async () => {
    const [hidden, open] = [await upload(author), await upload(author)];
    await post(author, 'FOLLOWERS', [hidden]);
    await post(author, 'PUBLIC', [open]);
    const other = await peer.createActor({ username: 'leaver' });
    await peer.follow({ actor: 'leaver', target: actorUri(author) });
    await eventually(
      () => follows(other),
      (rows) => expect(rows).toEqual([{ state: 'accepted' }]),
    );
    expect((await signedGet(mediaUrl(hidden), 'leaver')).status).toBe(200);

    await peer.unfollow({ actor: 'leaver', target: actorUri(author) });
    await eventually(
      () => follows(other),
      (rows) => expect(rows).toEqual([]),
    );
    expect((await signedGet(mediaUrl(hidden), 'leaver')).status).toBe(404);
    const listed = await signedGet(mediaUrl(open), 'leaver');
    expect(listed.status).toBe(200);
    expect(listed.headers['cache-control']).toBe('public, max-age=3600');
  });

  it("sends a followers-only post's image as a capability URL that works unsigned until the post is deleted", async () => {
    const photo = await upload(author);
    const postId = await post(author, 'FOLLOWERS', [photo]);
    const url = await deliveredAttachmentUrl(postId);
    expect(url.startsWith(`${t.origin}/media/`)).toBe(true);
    const path = url.slice(t.origin.length);
    const [, id, secret] = CAPABILITY.exec(path) ?? [];
    expect(id).toBe(photo);

    // Mastodon downloads attachments without a signature: the capability is enough.
    const fetched = await unsignedGet(path);
    expect(fetched.status).toBe(200);
    expect(fetched.headers['content-type']).toBe('image/png');
    expect(fetched.headers['cache-control']).toBe('private, no-store');
    expect(Buffer.compare(fetched.body as Buffer, IMAGE)).toBe(0);

    // Another secret, another attachment's secret, or none: not found.
    const flipped = `${secret[0] === 'A' ? 'B' : 'A'}${secret.slice(1)}`;
    expect((await unsignedGet(`/media/${photo}/${flipped}`)).status).toBe(404);
    const other = await upload(author);
    const otherSecret = t.app.get(MediaCapabilities).secretFor(other);
    expect((await unsignedGet(`/media/${photo}/${otherSecret}`)).status).toBe(404);
    // An unattached upload is its owner's alone, capability or not.
    expect((await unsignedGet(`/media/${other}/${otherSecret}`)).status).toBe(404);

    // The owner suspended: refused; lifted: served again.
    await db.query('UPDATE accounts SET suspended_at = now() WHERE id = $1', [author.account.id]);
    expect((await unsignedGet(path)).status).toBe(404);
    await db.query('UPDATE accounts SET suspended_at = NULL WHERE id = $1', [author.account.id]);
    expect((await unsignedGet(path)).status).toBe(200);

    // Deleting the post revokes it, and the follower's signed GET with it.
    const deleted = await t.gql('mutation($id: ID!) { deletePost(id: $id) }', { id: postId }, author.token);
    expect(deleted.errors).toBeUndefined();
    expect((await unsignedGet(path)).status).toBe(404);
    expect((await signedGet(mediaUrl(photo), 'follower')).status).toBe(404);
  });

  it("sends a public post's image at its plain, cacheable URL", async () => {
    const photo = await upload(author);
    const postId = await post(author, 'PUBLIC', [photo]);
    expect(await deliveredAttachmentUrl(postId)).toBe(mediaUrl(photo));
  });

  it('serves the post object to the follower with the capability URL, as the Create carried it', async () => {
    const photo = await upload(author);
    const postId = await post(author, 'FOLLOWERS', [photo]);
    const object = await peer.fetch(`${t.origin}/posts/${postId}`, { actor: 'follower' });
    expect(object.status).toBe(200);
    const [attachment] = [object.json.attachment].flat() as Json[];
    expect(attachment.url).toBe(`${mediaUrl(photo)}/${t.app.get(MediaCapabilities).secretFor(photo)}`);
  });
});
