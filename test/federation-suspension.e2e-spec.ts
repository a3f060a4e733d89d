import request from 'supertest';
import { DataSource } from 'typeorm';
import { signUp, type SignedUp } from './utils/factories';
import { createListeningTestApp, type TestApp } from './utils/test-app';

const AS_JSON = 'application/activity+json';

/** A suspended local account disappears from federation: its actor is gone (410), its posts unknown. */
describe('federation of a suspended account', () => {
  let t: TestApp & { origin: string };
  let alice: SignedUp;
  let postId: string;
  const get = (path: string, accept = AS_JSON) => request(t.origin).get(path).set('accept', accept);

  beforeAll(async () => {
    t = await createListeningTestApp();
    alice = await signUp(t);
    const res = await t.gql<{ createPost: { id: string } }>(
      'mutation ($i: CreatePostInput!) { createPost(input: $i) { id } }',
      { i: { content: 'still here', visibility: 'PUBLIC' } },
      alice.token,
    );
    postId = res.data!.createPost.id;
  });

  afterAll(() => t.close());

  it('serves the actor, its post and WebFinger before, and 410 / 404 once suspended; back after', async () => {
    const actor = `/users/${alice.username}`;
    const webfinger = `/.well-known/webfinger?resource=acct:${alice.username}@${new URL(t.origin).host}`;
    expect((await get(actor)).status).toBe(200);
    expect((await get(`/posts/${postId}`)).status).toBe(200);
    expect((await get(webfinger, 'application/jrd+json')).status).toBe(200);

    const db = t.app.get(DataSource);
    await db.query('UPDATE accounts SET suspended_at = now() WHERE id = $1', [alice.account.id]);

    const gone = await get(actor);
    expect(gone.status).toBe(410);
    expect(gone.headers['content-type']).toBe(AS_JSON);
    expect(JSON.parse(gone.text)).toEqual({
      '@context': 'https://www.w3.org/ns/activitystreams',
      id: `${t.origin}${actor}`,
      type: 'Tombstone',
      formerType: 'Person',
    });
    expect((await get(`/posts/${postId}`)).status).toBe(404);
    expect((await get(`${actor}/outbox`)).status).toBe(404);
    expect((await get(webfinger, 'application/jrd+json')).status).toBe(404);

    await db.query('UPDATE accounts SET suspended_at = NULL WHERE id = $1', [alice.account.id]);
    expect((await get(actor)).status).toBe(200);
    expect((await get(`/posts/${postId}`)).status).toBe(200);
  });
});
