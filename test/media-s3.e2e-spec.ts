import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { Client } from 'pg';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { BackupRestorer, BackupWriter, MediaStorage, parseConfig, S3Storage } from '@guildhall/core';
import { MediaCapabilities, MediaService } from '@guildhall/content';
import { png, webp } from './fixtures/images';
import { signUp, type SignedUp } from './utils/factories';
import { startS3, type TestS3 } from './utils/s3';
import { cleanEnv, run } from './utils/spawn';
import { createTestApp, testEnv, type TestApp } from './utils/test-app';

const PREFIX = 'guildhall/media/';

const CREATE_POST = /* GraphQL */ `
  mutation ($i: CreatePostInput!) {
    createPost(input: $i) {
      id
    }
  }
`;

/** Collects a response body as bytes whatever its type. */
function binary(res: Response, callback: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

describe('media in an S3-compatible bucket (MEDIA_STORAGE=s3, against s3rver)', () => {
  const name = process.env.TEST_DATABASE_NAME!;
  const urlOf = (suffix: string) => {
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = `/${name}_${suffix}`;
    return url.toString();
  };
  // A database of its own: the backup below must refer to no media but this suite's.
  const [src, dst] = [urlOf('s3src'), urlOf('s3dst')];
  let admin: Client;
  let s3: TestS3;
  let t: TestApp;
  let alice: SignedUp;
  /** An upload whose original a test removed from the bucket behind the server's back. */
  let gone: { id: string; bytes: Buffer };

  const get = (path: string, token?: string) => {
    const req = t.http().get(path);
    if (token) void req.set('authorization', `Bearer ${token}`);
    return req.buffer(true).parse(binary);
  };
  const upload = (token: string, bytes: Buffer) =>
    t
      .http()
      .post('/api/v1/media')
      .set('authorization', `Bearer ${token}`)
      .attach('file', bytes, { filename: 'image.png', contentType: 'image/png' });
  const post = async (token: string, visibility: string, mediaIds: string[]) => {
    const res = await t.gql<{ createPost: { id: string } }>(
      CREATE_POST,
      { i: { content: 'with a picture', visibility, mediaIds } },
      token,
    );
    expect(res.errors).toBeUndefined();
    return res.data!.createPost.id;
  };
  /** The bytes of `<PREFIX><key>` in the bucket, read through S3 itself. */
  const object = async (key: string) => {
    const store = new S3Storage(s3.settings(PREFIX));
    try {
      const stream = await store.get(key);
      return stream ? await buffer(stream) : null;
    } finally {
      store.onModuleDestroy();
    }
  };

  beforeAll(async () => {
    admin = new Client({ connectionString: process.env.TEST_DATABASE_ADMIN_URL });
    await admin.connect();
    for (const suffix of ['s3src', 's3dst']) await admin.query(`CREATE DATABASE ${name}_${suffix}`);
    s3 = await startS3();
    t = await createTestApp({ DATABASE_URL: src, ...s3.env(PREFIX) });
    alice = await signUp(t);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await s3?.stop();
    for (const suffix of ['s3src', 's3dst'])
      await admin.query(`DROP DATABASE IF EXISTS ${name}_${suffix} WITH (FORCE)`);
    await admin.end();
  });

  it('binds S3Storage, and keeps nothing under DATA_DIR/media', () => {
    expect(t.app.get(MediaStorage)).toBeInstanceOf(S3Storage);
    const mediaDir = join(t.runtime.config.values.dataDir, 'media');
    expect(existsSync(mediaDir) ? readdirSync(mediaDir) : []).toEqual([]);
  });

  it('stores an upload and its preview in the bucket under S3_PREFIX, and serves the same bytes from GET /media/:id', async () => {
    const bytes = png(6, 4);
    const res = await upload(alice.token, bytes);
    expect(res.status).toBe(200);
    const { id, url, preview_url } = res.body as { id: string; url: string; preview_url: string };
    expect(url).toBe(`http://guildhall.test/media/${id}`);
    expect(preview_url).toBe(`http://guildhall.test/media/${id}/small`);

    expect((await s3.keys()).filter((key) => key.includes(id))).toEqual([
      `${PREFIX}${id}-small.webp`,
      `${PREFIX}${id}.png`,
    ]);
    expect(await s3.head(`${PREFIX}${id}.png`)).toEqual({ contentType: 'image/png', bytes: bytes.length });
    expect((await s3.head(`${PREFIX}${id}-small.webp`)).contentType).toBe('image/webp');
    expect(Buffer.compare((await object(`${id}.png`))!, bytes)).toBe(0);

    const served = await get(`/media/${id}`, alice.token);
    expect(served.status).toBe(200);
    expect(Buffer.compare(served.body as Buffer, bytes)).toBe(0);
    expect(served.headers).toMatchObject({
      'content-type': 'image/png',
      'content-length': String(bytes.length),
      'cache-control': 'private, no-store',
    });

    const preview = await get(`/media/${id}/small`, alice.token);
    expect(preview.status).toBe(200);
    expect(preview.headers['content-type']).toBe('image/webp');
    const previewBytes = preview.body as Buffer;
    expect(previewBytes.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(previewBytes.subarray(8, 12).toString('latin1')).toBe('WEBP');
    expect(Buffer.compare(previewBytes, (await object(`${id}-small.webp`))!)).toBe(0);

    // Unattached, it is its owner's alone, from the bucket as from the disk.
    expect((await get(`/media/${id}`)).status).toBe(404);
  });

  it('serves a followers-only post’s media at its capability URL, and nothing at a wrong one', async () => {
    const bytes = webp(5, 5);
    const res = await upload(alice.token, bytes);
    const { id } = res.body as { id: string };
    await post(alice.token, 'FOLLOWERS', [id]);
    const secret = t.app.get(MediaCapabilities).secretFor(id);

    const served = await get(`/media/${id}/${secret}`);
    expect(served.status).toBe(200);
    expect(served.headers['content-type']).toBe('image/webp');
    expect(Buffer.compare(served.body as Buffer, (await object(`${id}.webp`))!)).toBe(0);
    expect((await get(`/media/${id}/${'A'.repeat(secret.length)}`)).status).toBe(404);
    expect((await get(`/media/${id}`)).status).toBe(404);
  });

  it('answers 404, not 500, when the object is gone from the bucket', async () => {
    const bytes = png(3, 3);
    const res = await upload(alice.token, bytes);
    const { id } = res.body as { id: string };
    gone = { id, bytes };
    const store = new S3Storage(s3.settings(PREFIX));
    await store.delete(`${id}.png`);
    store.onModuleDestroy();
    const served = await get(`/media/${id}`, alice.token);
    expect(served.status).toBe(404);
    expect(JSON.parse((served.body as Buffer).toString('utf8'))).toMatchObject({ reason: 'MEDIA_NOT_FOUND' });
    // The preview, still there, is still served.
    expect((await get(`/media/${id}/small`, alice.token)).status).toBe(200);
  });

  it('deletes a deleted post’s objects from the bucket', async () => {
    const ben = await signUp(t);
    const ids: string[] = [];
    for (const size of [2, 3]) ids.push(((await upload(ben.token, png(size, size))).body as { id: string }).id);
    const postId = await post(ben.token, 'PUBLIC', ids);
    const mine = async () => (await s3.keys()).filter((key) => ids.some((id) => key.includes(id)));
    expect(await mine()).toHaveLength(4);
    expect((await get(`/media/${ids[0]}`)).status).toBe(200);

    const deleted = await t.gql('mutation($id: ID!) { deletePost(id: $id) }', { id: postId }, ben.token);
    expect(deleted.data).toEqual({ deletePost: true });
    expect(await mine()).toEqual([]);
    expect((await get(`/media/${ids[0]}`)).status).toBe(404);
  });

  it('backs up the referenced objects and restores them into another bucket prefix, where a restored server serves them', async () => {
    const root = mkdtempSync(join(tmpdir(), 'guildhall-s3-backup-'));
    const carol = await signUp(t);
    const bytes = png(9, 7);
    const { id } = (await upload(carol.token, bytes)).body as { id: string };
    await post(carol.token, 'PUBLIC', [id]);
    const media = t.app.get(MediaService);
    const referenced = await media.storageKeys(t.app.get(DataSource).manager);
    const writer = new BackupWriter(t.app.get(DataSource), t.runtime.config, t.runtime.logger, t.app.get(MediaStorage));
    try {
      // An object the database refers to is missing: no backup, rather than one that cannot restore it.
      await expect(writer.write(join(root, 'incomplete'), (manager) => media.storageKeys(manager))).rejects.toThrow(
        `1 media object(s) the database refers to are not in s3://${s3.bucket}/${PREFIX} (first: ${gone.id}.png)`,
      );
      expect(existsSync(join(root, 'incomplete', 'manifest.json'))).toBe(false);
      await t.app.get(MediaStorage).put(`${gone.id}.png`, gone.bytes, 'image/png');

      const manifest = await writer.write(join(root, 'backup'), (manager) => media.storageKeys(manager));
      expect(manifest.media).toEqual({ files: referenced.length, referenced: referenced.length });
      expect(referenced).toEqual(expect.arrayContaining([`${id}.png`, `${id}-small.webp`]));
      // Laid out as on the local disk, so that it restores into either store.
      const backedUp = Object.keys(manifest.files).filter((path) => path.startsWith('media/'));
      expect(backedUp).toHaveLength(referenced.length);
      expect(backedUp).toContainEqual(expect.stringMatching(new RegExp(`^media/[0-9a-f]{2}/[0-9a-f]{2}/${id}\\.png$`)));

      // A new database, a new DATA_DIR and the same bucket under another prefix.
      const restoredEnv = testEnv({ DATABASE_URL: dst, DATA_DIR: join(root, 'data'), ...s3.env('restored/') });
      const report = await new BackupRestorer(parseConfig(restoredEnv), t.runtime.logger).restore(
        join(root, 'backup'),
        {
          force: false,
        },
      );
      expect(report).toMatchObject({ kind: 'pg_dump', mediaFiles: referenced.length });
      expect((await s3.keys()).filter((key) => key.startsWith('restored/'))).toEqual(
        referenced.map((key) => `restored/${key}`).sort(),
      );
      expect(await s3.head(`restored/${id}.png`)).toEqual({ contentType: 'image/png', bytes: bytes.length });

      // Restoring again finds the prefix in use and changes nothing.
      await expect(
        new BackupRestorer(parseConfig({ ...restoredEnv, DATA_DIR: join(root, 'other') }), t.runtime.logger).restore(
          join(root, 'backup'),
          { force: false },
        ),
      ).rejects.toThrow(`s3://${s3.bucket}/restored/ holds objects`);

      const restored = await createTestApp({ DATABASE_URL: dst, ...s3.env('restored/') });
      try {
        const served = await restored.http().get(`/media/${id}`).buffer(true).parse(binary);
        expect(served.status).toBe(200);
        expect(Buffer.compare(served.body as Buffer, bytes)).toBe(0);
      } finally {
        await restored.close();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 180_000);

  it('guildhall backup (the built CLI) takes the media from the bucket', async () => {
    const root = mkdtempSync(join(tmpdir(), 'guildhall-s3-cli-'));
    try {
      const env = cleanEnv(
        testEnv({ DATABASE_URL: src, DATA_DIR: t.runtime.config.values.dataDir, ...s3.env(PREFIX) }),
      );
      const backup = await run(['dist/apps/cli/main.js', 'backup', join(root, 'backup')], env, 120_000);
      expect(backup.stderr).toBe('');
      expect(backup.code).toBe(0);
      const referenced = (await t.app.get(MediaService).storageKeys(t.app.get(DataSource).manager)).length;
      expect(referenced).toBeGreaterThanOrEqual(6);
      expect((JSON.parse(backup.stdout) as { media: object }).media).toEqual({ files: referenced, referenced });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 180_000);
});
