import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { ConfigService } from '../config/config.service';
import { parseConfig } from '../config/config.schema';
import { LocalDiskStorage } from './local-disk.storage';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1));
}

describe('LocalDiskStorage', () => {
  let dataDir: string;
  let storage: LocalDiskStorage;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'storage-'));
    const config = new ConfigService(
      parseConfig({ DATA_DIR: dataDir }),
      { jwtSecret: 'x'.repeat(32), federationKeySecret: 'y'.repeat(32) },
      '',
    );
    storage = new LocalDiskStorage(config);
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('stores bytes in a sharded directory under DATA_DIR/media and reads them back', async () => {
    await storage.put('0190a5b2-1c3d-7e4f-8a9b-0c1d2e3f4a5b.png', Buffer.from('hello'), 'image/png');
    const files = filesUnder(join(dataDir, 'media'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{2}\/0190a5b2-1c3d-7e4f-8a9b-0c1d2e3f4a5b\.png$/);
    const stream = await storage.get('0190a5b2-1c3d-7e4f-8a9b-0c1d2e3f4a5b.png');
    expect(await text(stream!)).toBe('hello');
  });

  it('replaces a key whole and leaves no temporary file behind', async () => {
    await storage.put('a.png', Buffer.from('first'), 'image/png');
    await storage.put('a.png', Buffer.from('second'), 'image/png');
    expect(await text((await storage.get('a.png'))!)).toBe('second');
    expect(filesUnder(join(dataDir, 'media')).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('answers null for a missing key and deletes idempotently', async () => {
    expect(await storage.get('missing.png')).toBeNull();
    await storage.put('b.gif', Buffer.from('x'), 'image/gif');
    await storage.delete('b.gif');
    await storage.delete('b.gif');
    expect(await storage.get('b.gif')).toBeNull();
  });

  it('keeps files 0600 in directories 0700, and closes a media root left 0755', async () => {
    const mode = (path: string) => statSync(path).mode & 0o777;
    const root = join(dataDir, 'media');
    mkdirSync(root, { mode: 0o755 });
    expect(mode(root)).toBe(0o755);
    await storage.onModuleInit();
    expect(mode(root)).toBe(0o700);
    await storage.put('0190a5b2-1c3d-7e4f-8a9b-0c1d2e3f4a5b.png', Buffer.from('hello'), 'image/png');
    const [file] = filesUnder(root);
    const [first, second] = file.split('/');
    expect(mode(join(root, first))).toBe(0o700);
    expect(mode(join(root, first, second))).toBe(0o700);
    expect(mode(join(root, file))).toBe(0o600);
  });

  it.each(['../secrets.json', 'a/b.png', '.hidden', '', 'x'.repeat(200)])('refuses the key %p', async (key) => {
    await expect(storage.put(key, Buffer.from('x'), 'image/png')).rejects.toThrow('invalid storage key');
    await expect(storage.get(key)).rejects.toThrow('invalid storage key');
  });
});
