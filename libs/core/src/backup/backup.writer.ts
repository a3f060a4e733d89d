import { createWriteStream, readFileSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { ConfigService } from '../config/config.service';
import type { Logger } from '../logging/logger';
import { shardedPath } from '../storage/local-disk.storage';
import type { MediaStorage } from '../storage/media-storage';
import { BackupErrorCode, BackupException } from './backup.exception';
import { writeManifest, type BackupManifest } from './backup-manifest';
import { copyEmbeddedCluster } from './embedded-base-backup';
import { copyTree, isEmptyDir, listFiles } from './file-tree';
import { findTool, type FoundTool, majorOf, runTool } from './postgres-tools';
import { runnerQuery, type Query } from './sql-query';

/** The storage keys of local media the database refers to, read in the backup's transaction. */
export type ReferencedMedia = (manager: EntityManager) => Promise<string[]>;

export const DUMP_FILE = 'database.dump';
export const CLUSTER_DIR = 'postgres';
export const MEDIA_DIR = 'media';
export const SECRETS_FILE = 'secrets.json';
/** The embedded cluster's password for its postgres user (DATA_DIR/postgres.secret). */
export const CLUSTER_SECRET_FILE = 'postgres.secret';

export interface ServerVersion {
  version: string;
  major: number;
}

export async function serverVersion(query: Query): Promise<ServerVersion> {
  const [row] = await query<{ version: string; num: string }>(
    `SELECT current_setting('server_version') AS version, current_setting('server_version_num') AS num`,
  );
  return { version: row.version, major: majorOf(Number(row.num)) };
}

export const appliedMigrations = async (query: Query) =>
  (await query<{ name: string }>(`SELECT name FROM schema_migrations ORDER BY id`)).map((row) => row.name);

/**
 * `guildhall backup <dir>`: the database, the media and the secrets, checksummed (ADR 0023).
 * Order matters for consistency: the database first (one snapshot), then the media, then a check
 * that every file the snapshot refers to was copied. Media is written before its row commits and
 * never deleted under a live row, so files that appear after the snapshot are harmless extras.
 * Media in a bucket (MEDIA_STORAGE=s3) is read through `storage`, the objects the snapshot refers
 * to, and laid out as on the local disk (ADR 0049): a backup restores into either store.
 */
export class BackupWriter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: ConfigService,
    private readonly logger: Logger,
    private readonly storage: MediaStorage,
  ) {}

  async write(dir: string, referencedMedia: ReferencedMedia): Promise<BackupManifest> {
    if (!(await isEmptyDir(dir))) {
      throw new BackupException(BackupErrorCode.TARGET_NOT_EMPTY, `${dir} is not empty: back up into a new directory`);
    }
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const server = await serverVersion(runnerQuery(runner));
      // Refuse a mismatched pg_dump before anything is written.
      const tool = this.config.values.databaseUrl
        ? await findTool('pg_dump', server.major, this.config.values.postgresBinDir)
        : undefined;
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const copied = tool
        ? await this.dump(runner, dir, server, tool, referencedMedia)
        : await this.copyCluster(runner, dir, server, referencedMedia);
      const media = await this.copyMedia(dir, copied.referenced);
      await writeFile(
        join(dir, SECRETS_FILE),
        JSON.stringify({ jwtSecret: this.config.jwtSecret, federationKeySecret: this.config.federationKeySecret }),
        { mode: 0o600 },
      );
      const manifest = await writeManifest(dir, {
        format: 'guildhall-backup/1',
        guildhallVersion: packageVersion(),
        createdAt: new Date().toISOString(),
        database: copied.database,
        media,
      });
      this.logger.info({ msg: 'backup written', dir, files: Object.keys(manifest.files).length });
      return manifest;
    } finally {
      await runner.release();
    }
  }

  /** pg_dump of the snapshot this transaction exported: the dump and the media keys see the same rows. */
  private async dump(
    runner: QueryRunner,
    dir: string,
    server: ServerVersion,
    tool: FoundTool,
    referencedMedia: ReferencedMedia,
  ) {
    await runner.startTransaction('REPEATABLE READ');
    try {
      const [{ snapshot }] = await runnerQuery(runner)<{ snapshot: string }>(`SELECT pg_export_snapshot() AS snapshot`);
      const migrations = await appliedMigrations(runnerQuery(runner));
      const referenced = await referencedMedia(runner.manager);
      await runTool(
        tool,
        ['--format=custom', `--snapshot=${snapshot}`, '--no-password', `--file=${join(dir, DUMP_FILE)}`],
        this.config.databaseUrl,
      );
      return {
        referenced,
        database: {
          kind: 'pg_dump' as const,
          serverVersion: server.version,
          serverMajor: server.major,
          tool: tool.version,
          migrations,
        },
      };
    } finally {
      await runner.commitTransaction();
    }
  }

  /** The embedded cluster, copied physically; the media keys are read after it, so they cover it. */
  private async copyCluster(runner: QueryRunner, dir: string, server: ServerVersion, referencedMedia: ReferencedMedia) {
    await copyEmbeddedCluster(runner, join(dir, CLUSTER_DIR));
    await copyFile(join(this.config.values.dataDir, CLUSTER_SECRET_FILE), join(dir, CLUSTER_SECRET_FILE));
    const migrations = await appliedMigrations(runnerQuery(runner));
    const referenced = await referencedMedia(runner.manager);
    return {
      referenced,
      database: {
        kind: 'embedded-base-backup' as const,
        serverVersion: server.version,
        serverMajor: server.major,
        tool: `embedded PostgreSQL ${server.version} (pg_backup_start/pg_backup_stop)`,
        migrations,
      },
    };
  }

  private async copyMedia(dir: string, referenced: string[]): Promise<BackupManifest['media']> {
    const bucket = this.config.values.s3;
    if (bucket) return this.copyBucketMedia(dir, referenced, `s3://${bucket.bucket}/${bucket.prefix}`);
    // ".tmp-" files are uploads caught half-written: never referenced, not worth keeping.
    const files = await copyTree(join(this.config.values.dataDir, MEDIA_DIR), join(dir, MEDIA_DIR), (path, isDir) =>
      isDir ? false : path.slice(path.lastIndexOf('/') + 1).startsWith('.tmp-'),
    );
    const present = new Set(
      (await listFiles(join(dir, MEDIA_DIR))).map((path) => path.slice(path.lastIndexOf('/') + 1)),
    );
    const absent = referenced.filter((key) => !present.has(key));
    if (absent.length) {
      throw new BackupException(
        BackupErrorCode.MEDIA_MISSING,
        `${absent.length} media file(s) the database refers to are not in ${join(this.config.values.dataDir, MEDIA_DIR)} ` +
          `(first: ${absent.slice(0, 5).join(', ')}); the backup in ${dir} is incomplete and has no manifest`,
      );
    }
    return { files, referenced: referenced.length };
  }

  /** The referenced objects only: listing a shared bucket could pick up what is not ours. */
  private async copyBucketMedia(dir: string, referenced: string[], where: string): Promise<BackupManifest['media']> {
    const absent: string[] = [];
    const keys = [...new Set(referenced)];
    for (const key of keys) {
      const stream = await this.storage.get(key);
      if (!stream) {
        absent.push(key);
        continue;
      }
      const path = join(dir, MEDIA_DIR, shardedPath(key));
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      await pipeline(stream, createWriteStream(path, { mode: 0o600 }));
    }
    if (absent.length) {
      throw new BackupException(
        BackupErrorCode.MEDIA_MISSING,
        `${absent.length} media object(s) the database refers to are not in ${where} ` +
          `(first: ${absent.slice(0, 5).join(', ')}); the backup in ${dir} is incomplete and has no manifest`,
      );
    }
    return { files: keys.length, referenced: referenced.length };
  }
}

/** Our own version, from the nearest package.json named guildhall (source tree and dist/ alike). */
function packageVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'guildhall' && pkg.version) return pkg.version;
    } catch {
      // no package.json here
    }
  }
  return 'unknown';
}
