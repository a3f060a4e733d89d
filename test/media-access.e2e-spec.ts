import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { png } from './fixtures/images';
import { signUp, type SignedUp } from './utils/factories';
import { createTestApp, type TestApp } from './utils/test-app';
import {
  LOCAL_READERS,
  type LocalMatrix,
  seenVisibilities,
  setUpLocalMatrix,
  VISIBILITY_MATRIX,
} from './utils/visibility-matrix';

/** GET /media/:id serves an upload under its post's visibility (ADR 0019). */
describe('media access', () => {
  let t: TestApp;
  let db: DataSource;
  let matrix: LocalMatrix;

  const fetchMedia = (id: string, token?: string, variant = '') => {
    const req = t.http().get(`/media/${id}${variant}`);
    if (token) void req.set('authorization', `Bearer ${token}`);
    return req;
  };
  const upload = async (who: SignedUp): Promise<string> => {
    const res = await t
      .http()
      .post('/api/v1/media')
      .set('authorization', `Bearer ${who.token}`)
      .attach('file', png(2, 3), { filename: 'x.png', contentType: 'image/png' });
    expect(res.status).toBe(200);
    return (res.body as { id: string }).id;
  };
  const createPost = async (who: SignedUp, input: Record<string, unknown>): Promise<string> => {
    const res = await t.gql<{ createPost: { id: string } }>(
      'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }',
      { input },
      who.token,
    );
    if (!res.data?.createPost) throw new Error(JSON.stringify(res.errors));
    return res.data.createPost.id;
  };
  const storedFiles = () => {
    const dir = join(t.runtime.config.values.dataDir, 'media');
    return existsSync(dir)
      ? readdirSync(dir, { recursive: true, withFileTypes: true })
          .filter((entry) => entry.isFile())
          .map((entry) => entry.name)
      : [];
  };
  const storageKey = async (id: string) =>
    (await db.query<{ storage_key: string }[]>('SELECT storage_key FROM media_attachments WHERE id = $1', [id]))[0]
      ?.storage_key;
  const previewKey = async (id: string) =>
    (
      await db.query<{ preview_storage_key: string }[]>(
        'SELECT preview_storage_key FROM media_attachments WHERE id = $1',
        [id],
      )
    )[0]?.preview_storage_key;

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    matrix = await setUpLocalMatrix(t);
  });
  afterAll(() => t.close());

  it.each(LOCAL_READERS.flatMap((reader) => [[reader, ''] as const, [reader, '/small'] as const]))(
    'serves %s the images (%s) of exactly the posts the visibility table lets them see',
    async (reader, variant) => {
      const media = matrix.mediaIds(reader);
      const seen = await seenVisibilities(async (visibility) => {
        const res = await fetchMedia(media[visibility], matrix.token(reader), variant);
        if (res.status === 200) {
          // Everyone may see a public or unlisted post's image: caches may keep it, for an hour.
          const listed = visibility === 'PUBLIC' || visibility === 'UNLISTED';
          expect(res.headers['cache-control']).toBe(listed ? 'public, max-age=3600' : 'private, no-store');
          expect(res.headers['content-type']).toBe(variant ? 'image/webp' : 'image/png');
          return true;
        }
        // Refused alike whether missing or hidden (a suspended reader's token: 403, ACCOUNT_SUSPENDED).
        expect(res.status).toBe(reader === 'suspendedReader' ? 403 : 404);
        return false;
      });
      expect(seen).toEqual(VISIBILITY_MATRIX[reader]);
    },
  );

  it('serves an unattached upload to its owner only, and an avatar to everyone', async () => {
    const [owner, other] = await Promise.all([signUp(t), signUp(t)]);
    const draft = await upload(owner);
    for (const variant of ['', '/small']) {
      expect((await fetchMedia(draft, owner.token, variant)).status).toBe(200);
      expect((await fetchMedia(draft, other.token, variant)).status).toBe(404);
      expect((await fetchMedia(draft, undefined, variant)).status).toBe(404);
    }

    const avatar = await upload(owner);
    const res = await t.gql(
      'mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { id } }',
      { input: { avatarMediaId: avatar } },
      owner.token,
    );
    expect(res.errors).toBeUndefined();
    for (const variant of ['', '/small']) {
      const served = await fetchMedia(avatar, undefined, variant);
      expect(served.status).toBe(200);
      expect(served.headers['cache-control']).toBe('public, max-age=3600');
    }
  });

  it('purges a deleted post’s images (row, file and preview); an image that is also the avatar stays, detached', async () => {
    const author = await signUp(t);
    const [photo, avatar] = [await upload(author), await upload(author)];
    await t.gql(
      'mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { id } }',
      { input: { avatarMediaId: avatar } },
      author.token,
    );
    const postId = await createPost(author, { content: 'soon gone', mediaIds: [photo, avatar] });
    const [photoKey, photoPreviewKey] = [await storageKey(photo), await previewKey(photo)];
    expect(photoPreviewKey).toBe(`${photo}-small.webp`);
    expect(storedFiles()).toEqual(expect.arrayContaining([photoKey, photoPreviewKey]));
    expect((await fetchMedia(photo)).status).toBe(200);
    expect((await fetchMedia(photo, undefined, '/small')).status).toBe(200);

    const deleted = await t.gql('mutation($id: ID!) { deletePost(id: $id) }', { id: postId }, author.token);
    expect(deleted.errors).toBeUndefined();
    expect((await fetchMedia(photo, author.token)).status).toBe(404);
    expect((await fetchMedia(photo, author.token, '/small')).status).toBe(404);
    expect(await storageKey(photo)).toBeUndefined();
    expect(storedFiles()).not.toContain(photoKey);
    expect(storedFiles()).not.toContain(photoPreviewKey);
    expect(storedFiles()).toContain(`${avatar}-small.webp`);
    const kept = await db.query<{ post_id: string | null }[]>('SELECT post_id FROM media_attachments WHERE id = $1', [
      avatar,
    ]);
    expect(kept).toEqual([{ post_id: null }]);
    expect((await fetchMedia(avatar)).status).toBe(200);
  });

  it('refuses every image of a suspended owner, avatar included, and serves them again once lifted', async () => {
    const owner = await signUp(t);
    const [photo, avatar] = [await upload(owner), await upload(owner)];
    await t.gql(
      'mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { id } }',
      { input: { avatarMediaId: avatar } },
      owner.token,
    );
    await createPost(owner, { content: 'public', mediaIds: [photo] });
    expect((await fetchMedia(photo)).status).toBe(200);
    await db.query('UPDATE accounts SET suspended_at = now() WHERE id = $1', [owner.account.id]);
    expect((await fetchMedia(photo)).status).toBe(404);
    expect((await fetchMedia(photo, undefined, '/small')).status).toBe(404);
    expect((await fetchMedia(avatar)).status).toBe(404);
    expect((await fetchMedia(avatar, undefined, '/small')).status).toBe(404);
    await db.query('UPDATE accounts SET suspended_at = NULL WHERE id = $1', [owner.account.id]);
    expect((await fetchMedia(photo)).status).toBe(200);
  });
});
