import { startPeer, trustCertificateInThisProcess, type Peer, type PeerActor } from './utils/peer';

const AS = 'https://www.w3.org/ns/activitystreams';
const PUBLIC = 'https://www.w3.org/ns/activitystreams#Public';

/** The loopback peer itself, proven against a second instance of it: both ways, signatures checked. */
describe('the independent ActivityPub peer (test/peer)', () => {
  let a: Peer;
  let b: Peer;
  let alice: PeerActor;
  let bob: PeerActor;

  beforeAll(async () => {
    b = await startPeer();
    // A looks up `bob@localhost:<https port>` over https: it must trust B's throwaway certificate.
    a = await startPeer({ extraCaCerts: b.caCertPath });
    [alice, bob] = await Promise.all([
      a.createActor({ username: 'alice', name: 'Alice A' }),
      b.createActor({ username: 'bob', name: 'Bob B' }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('describes its actors with handles on the https host and ids on the http origin', async () => {
    expect(b.handleHost).toBe(new URL(b.httpsOrigin).host);
    expect(bob).toEqual({
      id: `${b.httpOrigin}/users/bob`,
      username: 'bob',
      handle: `bob@${b.handleHost}`,
      inbox: `${b.httpOrigin}/users/bob/inbox`,
      sharedInbox: `${b.httpOrigin}/inbox`,
      outbox: `${b.httpOrigin}/users/bob/outbox`,
      followers: `${b.httpOrigin}/users/bob/followers`,
      following: `${b.httpOrigin}/users/bob/following`,
      keyId: `${b.httpOrigin}/users/bob#main-key`,
      ed25519KeyId: `${b.httpOrigin}/users/bob#multikey-2`,
    });
    const doc = await a.fetch(bob.id, { signed: false });
    expect(doc.status).toBe(200);
    expect(doc.contentType).toMatch(/^application\/activity\+json/);
    expect(doc.json).toMatchObject({
      id: bob.id,
      type: 'Person',
      preferredUsername: 'bob',
      inbox: bob.inbox,
      endpoints: { sharedInbox: bob.sharedInbox },
      manuallyApprovesFollowers: false,
      publicKey: { id: bob.keyId, owner: bob.id },
    });
    expect(doc.json.publicKey.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  });

  it("serves WebFinger for handles over https, trusted in this process once it adds the peer's certificate", async () => {
    const url = `${b.httpsOrigin}/.well-known/webfinger?resource=${encodeURIComponent(`acct:${bob.handle}`)}`;
    trustCertificateInThisProcess(b.caCertPath);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      subject: `acct:${bob.handle}`,
      links: expect.arrayContaining([{ rel: 'self', type: 'application/activity+json', href: bob.id }]),
    });
  });

  it('follows by handle (WebFinger over https) and gets an Accept embedding the Follow with its id', async () => {
    const follow = await a.follow({ actor: 'alice', target: bob.handle });
    expect(follow.target).toEqual({
      id: bob.id,
      inbox: bob.inbox,
      sharedInbox: bob.sharedInbox,
      preferredUsername: 'bob',
    });
    expect(follow.deliveries).toEqual([{ inbox: bob.inbox, ok: true, status: 202, error: null }]);

    const [received] = await b.waitFor('Follow', 1, 5_000);
    expect(received).toMatchObject({
      path: '/users/bob/inbox',
      id: follow.followId,
      actor: alice.id,
      objectId: bob.id,
      status: 202,
      listener: 'Follow',
      recipient: 'bob',
      verification: {
        verified: true,
        scheme: 'draft-cavage',
        keyId: alice.keyId,
        keyOwner: alice.id,
        ownerMatchesActor: true,
        algorithm: 'rsa-sha256',
        reason: null,
      },
    });
    expect(received.verification.signedHeaders).toEqual(
      expect.arrayContaining(['(request-target)', 'host', 'date', 'digest', 'content-type']),
    );

    const [accept] = await a.waitFor('Accept', 1, 5_000);
    expect(accept).toMatchObject({
      path: '/users/alice/inbox',
      actor: bob.id,
      status: 202,
      listener: 'Accept',
      verification: { verified: true, keyId: bob.keyId, keyOwner: bob.id },
    });
    expect(accept.activity!.object).toEqual({ id: follow.followId, type: 'Follow', actor: alice.id, object: bob.id });

    expect((await a.actor('alice')).following).toEqual([
      expect.objectContaining({ id: bob.id, followId: follow.followId, state: 'accepted' }),
    ]);
    expect((await b.actor('bob')).followers).toEqual([
      expect.objectContaining({
        id: alice.id,
        inbox: alice.inbox,
        sharedInbox: alice.sharedInbox,
        followId: follow.followId,
      }),
    ]);
    // The Follow dereferences at its id (Fedify refetches objects embedded from another origin).
    const fetched = await b.fetch(follow.followId, { actor: 'bob' });
    expect(fetched.status).toBe(200);
    expect(fetched.json).toMatchObject({ id: follow.followId, type: 'Follow', actor: alice.id, object: bob.id });
  });

  it("delivers B's Note to its follower's shared inbox, verified by the independent verifier", async () => {
    const note = await b.create({ actor: 'bob', content: '<p>Hello from B</p>' });
    expect(note.deliveries).toEqual([{ inbox: alice.sharedInbox, ok: true, status: 202, error: null }]);

    const [create] = await a.waitFor('Create', 1, 5_000);
    expect(create).toMatchObject({
      path: '/inbox',
      id: note.activityId,
      actor: bob.id,
      objectType: 'Note',
      objectId: note.objectId,
      status: 202,
      listener: 'Create',
      recipient: null,
      verification: { verified: true, scheme: 'draft-cavage', keyId: bob.keyId, ownerMatchesActor: true, reason: null },
    });
    expect(create.activity).toMatchObject({
      to: PUBLIC,
      cc: `${b.httpOrigin}/users/bob/followers`,
      object: { id: note.objectId, type: 'Note', attributedTo: bob.id, content: '<p>Hello from B</p>' },
    });

    // The note dereferences; once deleted it answers 410 with a Tombstone.
    expect((await a.fetch(note.objectId, { actor: 'alice' })).json).toMatchObject({ id: note.objectId, type: 'Note' });
    const deletion = await b.delete({ actor: 'bob', object: note.objectId });
    expect(deletion.deliveries).toEqual([{ inbox: alice.sharedInbox, ok: true, status: 202, error: null }]);
    const gone = await a.fetch(note.objectId, { actor: 'alice' });
    expect(gone.status).toBe(410);
    expect(gone.json).toMatchObject({ id: note.objectId, type: 'Tombstone' });
    const [del] = await a.waitFor('Delete', 1, 5_000);
    expect(del).toMatchObject({ objectType: 'Tombstone', objectId: note.objectId, verification: { verified: true } });
  });

  it('refuses a POST whose body was changed after signing (401) and accepts a correctly signed one (202)', async () => {
    const like = (n: number) =>
      JSON.stringify({
        '@context': AS,
        id: `${a.httpOrigin}/raw/like-${n}`,
        type: 'Like',
        actor: alice.id,
        object: bob.id,
      });

    const tampered = await a.rawPost({ url: bob.inbox, body: like(1), sign: { actor: 'alice', tamperBody: true } });
    expect(tampered.status).toBe(401);
    const [refused] = await b.waitFor('Like', 1, 5_000, { accepted: false });
    expect(refused).toMatchObject({
      id: `${a.httpOrigin}/raw/like-1`,
      status: 401,
      listener: null,
      verification: {
        verified: false,
        scheme: 'draft-cavage',
        keyId: alice.keyId,
        reason: 'Digest mismatch (SHA-256)',
      },
    });
    expect(JSON.parse(refused.body)).toMatchObject({ tampered: true });

    const signed = await a.rawPost({ url: bob.inbox, body: like(2), sign: { actor: 'alice' } });
    expect(signed.status).toBe(202);
    const [accepted] = await b.waitFor('Like', 1, 5_000, { accepted: true });
    expect(accepted).toMatchObject({
      id: `${a.httpOrigin}/raw/like-2`,
      status: 202,
      listener: 'Like',
      verification: { verified: true, scheme: 'draft-cavage', keyId: alice.keyId, ownerMatchesActor: true },
    });
    expect(accepted.body).toBe(like(2));

    // RFC 9421 (rsa-v1_5-sha256 with the main key), as Fedify itself knocks first by default.
    const rfc9421 = await a.rawPost({ url: bob.inbox, body: like(3), sign: { actor: 'alice', scheme: 'rfc9421' } });
    expect(rfc9421.status).toBe(202);
    const [modern] = await b.waitFor('Like', 1, 5_000, { accepted: true, after: accepted.seq });
    expect(modern.verification).toMatchObject({
      verified: true,
      scheme: 'rfc9421',
      keyId: alice.keyId,
      algorithm: 'rsa-v1_5-sha256',
      signedHeaders: ['@method', '@target-uri', '@authority', 'content-digest', 'date'],
    });

    // Ed25519 (the actor's assertionMethod Multikey): the independent verifier accepts it, while
    // Fedify 2.3 looks HTTP-signature keys up as CryptographicKey only and answers 401.
    const ed25519 = await a.rawPost({
      url: bob.inbox,
      body: like(4),
      sign: { actor: 'alice', scheme: 'rfc9421', algorithm: 'ed25519' },
    });
    expect(ed25519.status).toBe(401);
    const [edEntry] = await b.waitFor('Like', 1, 5_000, { after: modern.seq });
    expect(edEntry.verification).toMatchObject({
      verified: true,
      scheme: 'rfc9421',
      keyId: alice.ed25519KeyId,
      keyOwner: alice.id,
      algorithm: 'ed25519',
    });
  });
});
