import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, open, rename, unlink } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '../config/config.service';
import { assertStorageKey, MediaStorage } from './media-storage';

/**
 * `ab/cd/<key>`: where a key lives under the media root, two levels from a hash of the key. Backups
 * use the same layout, whichever store the media came from, so either store restores them.
 */
export function shardedPath(key: string): string {
  assertStorageKey(key);
  const hash = createHash('sha256').update(key).digest('hex');
  return `${hash.slice(0, 2)}/${hash.slice(2, 4)}/${key}`;
}

/** Files only the server's user may read: GET /media/:id decides who sees them (ADR 0019). */
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/**
 * Media on the local disk, under `DATA_DIR/media/ab/cd/<key>`. The two shard levels come from a
 * hash of the key, so no directory grows past a few thousand entries whatever the key's shape
 * (UUIDv7 keys share their leading, time-based characters). Files are 0600 in 0700 directories:
 * other users of the machine cannot read private posts' images off the disk.
 */
@Injectable()
export class LocalDiskStorage implements MediaStorage, OnModuleInit {
  private readonly root: string;

  constructor(config: ConfigService) {
    this.root = resolve(config.values.dataDir, 'media');
  }

  /**
   * The media root is 0700 from the start, also where an older version made it 0755 with 0644
   * files: a closed root keeps everything under it closed whatever the modes below.
   */
  async onModuleInit(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: DIR_MODE });
    await chmod(this.root, DIR_MODE);
  }

  /** The content type is not kept on disk: the media row records it. */
  async put(key: string, bytes: Buffer, _contentType: string): Promise<void> {
    const path = this.pathOf(key);
    const dir = resolve(path, '..');
    await mkdir(dir, { recursive: true, mode: DIR_MODE });
    // Write beside the target and rename: a reader never sees a partial file, and a crash
    // leaves at most a stray ".tmp-" file, never a truncated image under a live key.
    const temp = join(dir, `.tmp-${randomBytes(8).toString('hex')}`);
    const handle = await open(temp, 'wx', FILE_MODE);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } catch (error) {
      await handle.close();
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    await handle.close();
    try {
      await rename(temp, path);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  }

  async get(key: string): Promise<Readable | null> {
    try {
      const handle = await open(this.pathOf(key), 'r');
      return handle.createReadStream({ autoClose: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  private pathOf(key: string): string {
    const path = resolve(this.root, shardedPath(key));
    // Belt and braces: the pattern above already keeps keys to one plain segment.
    if (!path.startsWith(this.root + sep)) throw new Error(`invalid storage key ${JSON.stringify(key)}`);
    return path;
  }
}
