import { buffer, text } from 'node:stream/consumers';
import { startS3, type TestS3 } from '../../../../test/utils/s3';
import { S3Storage } from './s3.storage';

describe('S3Storage (against s3rver)', () => {
  let s3: TestS3;
  const stores: S3Storage[] = [];
  const storage = (prefix = '') => {
    const store = new S3Storage(s3.settings(prefix));
    stores.push(store);
    return store;
  };

  beforeAll(async () => {
    s3 = await startS3();
  });
  afterEach(() => {
    for (const store of stores.splice(0)) store.onModuleDestroy();
  });
  afterAll(async () => {
    await s3.stop();
  });

  it('stores bytes under the key with their content type and streams them back', async () => {
    const store = storage();
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 255]);
    await store.put('0190a5b2-1c3d-7e4f-8a9b-0c1d2e3f4a5b.png', bytes, 'image/png');
    expect(await s3.keys()).toContain('0190a5b2-1c3d-7e4f-8a9b-0c1d2e3f4a5b.png');
    expect(await s3.head('0190a5b2-1c3d-7e4f-8a9b-0c1d2e3f4a5b.png')).toEqual({ contentType: 'image/png', bytes: 12 });
    const stream = await store.get('0190a5b2-1c3d-7e4f-8a9b-0c1d2e3f4a5b.png');
    expect(Buffer.compare(await buffer(stream!), bytes)).toBe(0);
  });

  it('replaces a key whole', async () => {
    const store = storage();
    await store.put('a.webp', Buffer.from('first version'), 'image/webp');
    await store.put('a.webp', Buffer.from('second'), 'image/webp');
    expect(await text((await store.get('a.webp'))!)).toBe('second');
    expect(await s3.head('a.webp')).toEqual({ contentType: 'image/webp', bytes: 6 });
  });

  it('answers null for a missing key and deletes idempotently', async () => {
    const store = storage();
    expect(await store.get('missing.png')).toBeNull();
    await store.put('b.gif', Buffer.from('GIF89a'), 'image/gif');
    await store.delete('b.gif');
    await store.delete('b.gif');
    await store.delete('never-there.gif');
    expect(await store.get('b.gif')).toBeNull();
    expect(await s3.keys()).not.toContain('b.gif');
  });

  it('keeps every object under S3_PREFIX, and one prefix does not see another’s objects', async () => {
    const store = storage('guildhall/media/');
    expect(await store.isEmpty()).toBe(true);
    await store.put('c.jpg', Buffer.from('jpeg bytes'), 'image/jpeg');
    expect(await s3.keys()).toContain('guildhall/media/c.jpg');
    expect(await s3.keys()).not.toContain('c.jpg');
    expect(await text((await store.get('c.jpg'))!)).toBe('jpeg bytes');
    expect(await store.isEmpty()).toBe(false);
    expect(await storage('other/').get('c.jpg')).toBeNull();
    expect(await storage().get('c.jpg')).toBeNull();
    await store.put('d.jpg', Buffer.from('more'), 'image/jpeg');
    expect(await store.isEmpty()).toBe(false);
    await store.delete('c.jpg');
    await store.delete('d.jpg');
    expect(await s3.keys()).not.toContain('guildhall/media/c.jpg');
    expect(await store.isEmpty()).toBe(true);
  });

  it.each(['../secrets.json', 'a/b.png', '.hidden', '', 'x'.repeat(200)])('refuses the key %p', async (key) => {
    const store = storage('p/');
    await expect(store.put(key, Buffer.from('x'), 'image/png')).rejects.toThrow('invalid storage key');
    await expect(store.get(key)).rejects.toThrow('invalid storage key');
    await expect(store.delete(key)).rejects.toThrow('invalid storage key');
  });

  it('fails loudly, not as "missing", when the server refuses the credentials', async () => {
    // s3rver knows one access key id and does not check SigV4 signatures: an unknown id is refused.
    const store = new S3Storage({ ...s3.settings(), accessKeyId: 'UNKNOWN' });
    stores.push(store);
    await expect(store.put('d.png', Buffer.from('x'), 'image/png')).rejects.toThrow('does not exist in our records');
    await expect(store.get('d.png')).rejects.toThrow('does not exist in our records');
    await expect(store.delete('d.png')).rejects.toThrow('does not exist in our records');
    expect(await s3.keys()).not.toContain('d.png');
  });
});
