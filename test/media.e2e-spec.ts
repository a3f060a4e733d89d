import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LoaderFactories, uuidv7 } from '@guildhall/core';
import { ContentErrorCode, MEDIA_BY_POST_ID, MediaService } from '@guildhall/content';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { gif, jpeg, png, webp } from './fixtures/images';
import { signUp, type SignedUp } from './utils/factories';
import { createTestApp, type TestApp } from './utils/test-app';

const MAX_BYTES = 4096;
const UPLOADS_PER_WINDOW = 6;

const UPDATE_ALT = /* GraphQL */ `
  mutation ($id: ID!, $altText: String) {
    updateMediaAttachment(id: $id, altText: $altText) {
      id
      url
      mimeType
      width
      height
      byteSize
      altText
    }
  }
`;

interface Uploaded {
  id: string;
  url: string;
  previewUrl: string;
  blurhash: string | null;
  mimeType: string;
  width: number;
  height: number;
  byteSize: number;
  altText: string | null;
}

/** Collects a response body as bytes whatever its type. */
function binary(res: Response, callback: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

describe('media uploads', () => {
  let t: TestApp;
  let db: DataSource;
  let alice: SignedUp;

  const mediaDir = () => join(t.runtime.config.values.dataDir, 'media');
  const storedFiles = () =>
    existsSync(mediaDir())
      ? readdirSync(mediaDir(), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length
      : 0;
  const rowCount = async () =>
    Number((await db.query<{ n: string }[]>('SELECT count(*) AS n FROM media_attachments'))[0].n);

  function upload(
    token: string | null,
    bytes: Buffer,
    options: { filename?: string; contentType?: string; description?: string } = {},
  ) {
    const req = t.http().post('/api/v1/media');
    if (token) void req.set('authorization', `Bearer ${token}`);
    if (options.description !== undefined) void req.field('description', options.description);
    return req.attach('file', bytes, {
      filename: options.filename ?? 'image.bin',
      contentType: options.contentType ?? 'application/octet-stream',
    });
  }

  beforeAll(async () => {
    t = await createTestApp({
      MEDIA_MAX_BYTES: String(MAX_BYTES),
      RATE_LIMIT_MEDIA_UPLOADS: String(UPLOADS_PER_WINDOW),
    });
    db = t.app.get(DataSource);
    alice = await signUp(t);
  });
  afterAll(() => t.close());

  describe('POST /api/v1/media and GET /media/:id', () => {
    it.each([
      ['PNG', png(3, 2), 'image/png', 3, 2, 'photo.png'],
      ['JPEG', jpeg(16, 9), 'image/jpeg', 16, 9, 'photo.jpg'],
      ['GIF', gif(5, 4), 'image/gif', 5, 4, 'anim.gif'],
      ['WebP', webp(7, 3), 'image/webp', 7, 3, 'pic.webp'],
    ])('stores a %s and serves the same bytes back', async (_name, bytes, mimeType, width, height, filename) => {
      const member = await signUp(t);
      const res = await upload(member.token, bytes, { filename, contentType: mimeType, description: ' A test image ' });
      expect(res.status).toBe(200);
      const body = res.body as Uploaded;
      expect(body).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
        type: 'image',
        url: `http://guildhall.test/media/${body.id}`,
        previewUrl: `http://guildhall.test/media/${body.id}/small`,
        remoteUrl: null,
        mimeType,
        width,
        height,
        byteSize: bytes.length,
        altText: 'A test image',
        blurhash: expect.stringMatching(/^U[0-9A-Za-z#$%*+,\-.:;=?@[\]^_{|}~]{35}$/),
      });
      const [row] = await db.query<Record<string, unknown>[]>(
        `SELECT account_id, post_id, mime_type, byte_size, storage_key, preview_storage_key, preview_width,
                preview_height, blurhash FROM media_attachments WHERE id = $1`,
        [body.id],
      );
      expect(row).toEqual({
        account_id: member.account.id,
        post_id: null,
        mime_type: mimeType,
        byte_size: bytes.length,
        storage_key: expect.stringMatching(new RegExp(`^${body.id}\\.(png|jpg|gif|webp)$`)),
        preview_storage_key: `${body.id}-small.webp`,
        preview_width: width,
        preview_height: height,
        blurhash: body.blurhash,
      });

      // Unattached, it is its owner's alone: served to their token, kept by no cache.
      const served = await t
        .http()
        .get(`/media/${body.id}`)
        .set('authorization', `Bearer ${member.token}`)
        .buffer(true)
        .parse(binary);
      expect(served.status).toBe(200);
      expect(Buffer.compare(served.body as Buffer, bytes)).toBe(0);
      expect(served.headers).toMatchObject({
        'content-type': mimeType,
        'content-length': String(bytes.length),
        'cache-control': 'private, no-store',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'",
      });
    });

    it('takes the type from the bytes, not from the name or content type the client gives', async () => {
      const bytes = png(4, 4);
      const res = await upload(alice.token, bytes, { filename: 'holiday.jpg', contentType: 'image/jpeg' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ mimeType: 'image/png', width: 4, height: 4, altText: null });
      const served = await t
        .http()
        .get(`/media/${(res.body as Uploaded).id}`)
        .set('authorization', `Bearer ${alice.token}`);
      expect(served.headers['content-type']).toBe('image/png');
    });

    it('answers 404 for unknown and malformed ids', async () => {
      for (const id of [uuidv7(), 'not-an-id', '..%2F..%2Fsecrets.json']) {
        const res = await t.http().get(`/media/${id}`);
        expect(res.status).toBe(404);
        expect(res.body).toEqual({
          statusCode: 404,
          error: 'Not Found',
          message: 'No such media',
          reason: 'MEDIA_NOT_FOUND',
        });
      }
    });
  });

  describe('refused uploads', () => {
    it.each([
      [
        'a text file named .png',
        () => Buffer.from('just some text, honestly\n'),
        'notes.png',
        'image/png',
        415,
        'Unsupported Media Type',
        ContentErrorCode.UnsupportedMediaType,
      ],
      [
        'an SVG',
        () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        'x.svg',
        'image/svg+xml',
        415,
        'Unsupported Media Type',
        ContentErrorCode.UnsupportedMediaType,
      ],
      [
        `a file over MEDIA_MAX_BYTES (${MAX_BYTES})`,
        () => png(3, 2, [1, 2, 3], MAX_BYTES),
        'big.png',
        'image/png',
        413,
        'Payload Too Large',
        ContentErrorCode.MediaTooLarge,
      ],
      [
        'an image wider than 8192 pixels',
        () => png(8193, 1),
        'wide.png',
        'image/png',
        422,
        'Unprocessable Entity',
        ContentErrorCode.ImageDimensionsTooLarge,
      ],
    ])('refuses %s and stores nothing', async (_name, bytes, filename, contentType, status, error, reason) => {
      const member = await signUp(t);
      const before = [await rowCount(), storedFiles()];
      const res = await upload(member.token, bytes(), { filename, contentType });
      expect(res.status).toBe(status);
      expect(res.body).toEqual({ statusCode: status, error, message: expect.any(String), reason });
      expect([await rowCount(), storedFiles()]).toEqual(before);
    });

    it('refuses a request without a file with 400', async () => {
      const before = [await rowCount(), storedFiles()];
      const noFile = await t
        .http()
        .post('/api/v1/media')
        .set('authorization', `Bearer ${alice.token}`)
        .field('description', 'where is the file?');
      expect(noFile.status).toBe(400);
      expect(noFile.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: 'Send the image in the field "file"',
        reason: ContentErrorCode.MalformedUpload,
      });
      const json = await t
        .http()
        .post('/api/v1/media')
        .set('authorization', `Bearer ${alice.token}`)
        .send({ file: 'aGVsbG8=' });
      expect(json.status).toBe(400);
      expect((json.body as { reason: string }).reason).toBe(ContentErrorCode.MalformedUpload);
      const wrongField = await t
        .http()
        .post('/api/v1/media')
        .set('authorization', `Bearer ${alice.token}`)
        .attach('image', png(2, 2), { filename: 'a.png', contentType: 'image/png' });
      expect(wrongField.status).toBe(400);
      const longDescription = await upload(alice.token, png(2, 2), { description: 'x'.repeat(1501) });
      expect(longDescription.status).toBe(400);
      expect((longDescription.body as { reason: string }).reason).toBe(ContentErrorCode.InvalidAltText);
      expect([await rowCount(), storedFiles()]).toEqual(before);
    });

    it('refuses an upload without a bearer token with 401', async () => {
      const before = [await rowCount(), storedFiles()];
      const res = await upload(null, png(3, 2), { contentType: 'image/png' });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'A valid bearer token is required',
        reason: 'UNAUTHENTICATED',
      });
      expect([await rowCount(), storedFiles()]).toEqual(before);
    });

    it(`limits each account to ${UPLOADS_PER_WINDOW} uploads per 10 minutes`, async () => {
      const member = await signUp(t);
      for (let i = 0; i < UPLOADS_PER_WINDOW; i += 1) {
        expect((await upload(member.token, png(1, 1))).status).toBe(200);
      }
      const refused = await upload(member.token, png(1, 1));
      expect(refused.status).toBe(429);
      expect((refused.body as { reason: string }).reason).toBe(ContentErrorCode.RateLimited);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect((await upload(alice.token, png(1, 1))).status).toBe(200);
    });
  });

  describe('updateMediaAttachment', () => {
    it("sets and clears the owner's description; others get FORBIDDEN, unknown ids NOT_FOUND", async () => {
      const owner = await signUp(t);
      const other = await signUp(t);
      const { id } = (await upload(owner.token, gif(2, 2))).body as Uploaded;

      const set = await t.gql(UPDATE_ALT, { id, altText: '  A blue square  ' }, owner.token);
      expect(set.errors).toBeUndefined();
      expect(set.data).toEqual({
        updateMediaAttachment: {
          id,
          url: `http://guildhall.test/media/${id}`,
          mimeType: 'image/gif',
          width: 2,
          height: 2,
          byteSize: gif(2, 2).length,
          altText: 'A blue square',
        },
      });

      const stolen = await t.gql(UPDATE_ALT, { id, altText: 'mine now' }, other.token);
      expect(stolen.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_OWNER' });
      const anonymous = await t.gql(UPDATE_ALT, { id, altText: 'anyone?' });
      expect(anonymous.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
      const tooLong = await t.gql(UPDATE_ALT, { id, altText: 'x'.repeat(1501) }, owner.token);
      expect(tooLong.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      const unknown = await t.gql(UPDATE_ALT, { id: uuidv7(), altText: 'x' }, owner.token);
      expect(unknown.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'MEDIA_NOT_FOUND' });
      const [row] = await db.query<{ alt_text: string }[]>('SELECT alt_text FROM media_attachments WHERE id = $1', [
        id,
      ]);
      expect(row.alt_text).toBe('A blue square');

      const cleared = await t.gql<{ updateMediaAttachment: { altText: string | null } }>(
        UPDATE_ALT,
        { id, altText: null },
        owner.token,
      );
      expect(cleared.data?.updateMediaAttachment.altText).toBeNull();
    });
  });

  describe('MediaService.attachToPost and MEDIA_BY_POST_ID', () => {
    const newPost = async (accountId: string) => {
      const id = uuidv7();
      await db.query(`INSERT INTO posts (id, account_id, local, visibility) VALUES ($1, $2, true, 'public')`, [
        id,
        accountId,
      ]);
      return id;
    };
    const attach = (accountId: string, postId: string, mediaIds: string[]) =>
      db.transaction((manager) => t.app.get(MediaService).attachToPost(manager, accountId, postId, mediaIds));
    const reasonOf = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (error: { reason?: string }) => error.reason,
      );

    it('attaches in the given order, once, and only the author’s own uploads', async () => {
      const author = await signUp(t);
      const other = await signUp(t);
      const ids: string[] = [];
      for (const bytes of [png(1, 1), gif(1, 1), webp(1, 1)])
        ids.push(((await upload(author.token, bytes)).body as Uploaded).id);
      const foreign = ((await upload(other.token, png(1, 1))).body as Uploaded).id;
      const post = await newPost(author.account.id);

      expect(await reasonOf(attach(author.account.id, post, [ids[0], foreign]))).toBe('NOT_OWNER');
      expect(await reasonOf(attach(author.account.id, post, [ids[0], uuidv7()]))).toBe('MEDIA_NOT_FOUND');
      expect(await reasonOf(attach(author.account.id, post, [ids[0], ids[0]]))).toBe('MEDIA_ALREADY_ATTACHED');
      expect(await reasonOf(attach(author.account.id, post, [...ids, foreign, uuidv7()]))).toBe('TOO_MANY_ATTACHMENTS');
      // Nothing was attached by the refused calls (each rolled back whole).
      const loader = () => t.app.get(LoaderFactories).forRequest({}).get(MEDIA_BY_POST_ID);
      expect(await loader().load(post)).toEqual([]);

      await attach(author.account.id, post, [ids[2], ids[0], ids[1]]);
      const media = await loader().load(post);
      expect(media.map((m) => [m.id, m.mimeType])).toEqual([
        [ids[2], 'image/webp'],
        [ids[0], 'image/png'],
        [ids[1], 'image/gif'],
      ]);
      expect(media[0].url).toBe(`http://guildhall.test/media/${ids[2]}`);
      const second = await newPost(author.account.id);
      expect(await reasonOf(attach(author.account.id, second, [ids[0]]))).toBe('MEDIA_ALREADY_ATTACHED');
      expect(await loader().loadMany([second, post])).toEqual([[], media]);
    });
  });
});
