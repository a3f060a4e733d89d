import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BackupErrorCode, BackupException } from './backup.exception';
import { listFiles, sha256File, type FileSum } from './file-tree';

export const BACKUP_FORMAT = 'guildhall-backup/1';
export const MANIFEST = 'manifest.json';

/**
 * How the database was saved (ADR 0023): `pg_dump` — a custom-format archive of one snapshot,
 * made by the server's own major version of pg_dump (a PostgreSQL named by DATABASE_URL);
 * `embedded-base-backup` — a physical copy of the embedded cluster taken with the server's
 * backup functions, restorable only into an embedded DATA_DIR.
 */
export type DatabaseCopyKind = 'pg_dump' | 'embedded-base-backup';

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  /** Guildhall's package version that wrote it. */
  guildhallVersion: string;
  createdAt: string;
  database: {
    kind: DatabaseCopyKind;
    /** `SHOW server_version` of the server that was backed up. */
    serverVersion: string;
    serverMajor: number;
    /** The tool that made the copy: pg_dump's `--version` line, or the embedded server's version. */
    tool: string;
    /** Applied migrations (schema_migrations.name), oldest first. */
    migrations: string[];
  };
  media: {
    /** Media files copied: all of DATA_DIR/media, or the referenced objects of the bucket. */
    files: number;
    /** Storage keys the database refers to; every one is among the files. */
    referenced: number;
  };
  /** Every file of the backup but this manifest, '/'-separated, with its size and SHA-256. */
  files: Record<string, FileSum>;
}

/** Checksums every file under `dir` (but the manifest) and writes the manifest last. */
export async function writeManifest(dir: string, manifest: Omit<BackupManifest, 'files'>): Promise<BackupManifest> {
  const files: Record<string, FileSum> = {};
  for (const path of await listFiles(dir)) {
    if (path !== MANIFEST) files[path] = await sha256File(join(dir, path));
  }
  const complete: BackupManifest = { ...manifest, files };
  await writeFile(join(dir, MANIFEST), JSON.stringify(complete, null, 2) + '\n', { mode: 0o600 });
  return complete;
}

export function readManifest(dir: string): BackupManifest {
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) {
    throw new BackupException(
      BackupErrorCode.INVALID_BACKUP,
      `${dir} has no ${MANIFEST}: not a Guildhall backup, or one that did not finish`,
    );
  }
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8')) as BackupManifest;
  } catch (error) {
    throw new BackupException(BackupErrorCode.INVALID_BACKUP, `${path} is not JSON: ${String(error)}`);
  }
  if (manifest?.format !== BACKUP_FORMAT || typeof manifest.files !== 'object' || !manifest.database) {
    throw new BackupException(BackupErrorCode.INVALID_BACKUP, `${path} is not a ${BACKUP_FORMAT} manifest`);
  }
  return manifest;
}

/** Every file present with its recorded bytes, and no file the manifest does not list. */
export async function verifyChecksums(dir: string, manifest: BackupManifest): Promise<void> {
  const problems: string[] = [];
  const present = new Set((await listFiles(dir)).filter((path) => path !== MANIFEST));
  for (const [path, expected] of Object.entries(manifest.files)) {
    if (!present.delete(path)) {
      problems.push(`${path}: missing`);
      continue;
    }
    const actual = await sha256File(join(dir, path));
    if (actual.sha256 !== expected.sha256 || actual.bytes !== expected.bytes) {
      problems.push(`${path}: expected sha256 ${expected.sha256} (${expected.bytes} bytes), found ${actual.sha256}`);
    }
  }
  for (const path of present) problems.push(`${path}: not in the manifest`);
  if (problems.length) {
    const shown = problems.slice(0, 20).join('\n');
    const more = problems.length > 20 ? `\n… and ${problems.length - 20} more` : '';
    throw new BackupException(
      BackupErrorCode.CHECKSUM_MISMATCH,
      `${dir} does not match its manifest (${problems.length} problem(s)); nothing was restored:\n${shown}${more}`,
    );
  }
}
