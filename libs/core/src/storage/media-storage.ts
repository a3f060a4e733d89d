import type { Readable } from 'node:stream';

/** Keys are ours (e.g. "<uuid>.png"): one path segment, no dots in front, nothing to traverse with. */
const KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** Throws on anything but a key Guildhall could have made: every implementation checks the same way. */
export function assertStorageKey(key: string): void {
  if (!KEY.test(key)) throw new Error(`invalid storage key ${JSON.stringify(key)}`);
}

/**
 * Where uploaded bytes live, addressed by keys that Guildhall generates (never by client input).
 * An abstract class so that it is both the type and the Nest injection token. LocalDiskStorage
 * keeps files under DATA_DIR, S3Storage in an S3-compatible bucket; StorageModule binds one of
 * them by MEDIA_STORAGE (ADR 0049).
 */
export abstract class MediaStorage {
  /** Stores the bytes under `key`, replacing nothing half-written: readers see all or none. */
  abstract put(key: string, bytes: Buffer, contentType: string): Promise<void>;

  /** A stream of the bytes, or null when nothing is stored under `key`. */
  abstract get(key: string): Promise<Readable | null>;

  /** Removes the bytes; deleting a missing key is not an error. */
  abstract delete(key: string): Promise<void>;
}
