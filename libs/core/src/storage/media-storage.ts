import type { Readable } from 'node:stream';

/**
 * Where uploaded bytes live, addressed by keys that Guildhall generates (never by client input).
 * An abstract class so that it is both the type and the Nest injection token. LocalDiskStorage
 * keeps files under DATA_DIR; an S3-compatible store can implement the same three methods later
 * and be bound in StorageModule instead.
 */
export abstract class MediaStorage {
  /** Stores the bytes under `key`, replacing nothing half-written: readers see all or none. */
  abstract put(key: string, bytes: Buffer, contentType: string): Promise<void>;

  /** A stream of the bytes, or null when nothing is stored under `key`. */
  abstract get(key: string): Promise<Readable | null>;

  /** Removes the bytes; deleting a missing key is not an error. */
  abstract delete(key: string): Promise<void>;
}
