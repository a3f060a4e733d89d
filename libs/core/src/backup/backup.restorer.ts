import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';
import type { GuildhallConfig } from '../config/config.schema';
import type { Secrets } from '../config/secrets';
import { startEmbeddedPostgres } from '../database/embedded-postgres';
import type { Logger } from '../logging/logger';
import { BackupErrorCode, BackupException } from './backup.exception';
import { readManifest, verifyChecksums, type BackupManifest } from './backup-manifest';
import {
  CLUSTER_DIR,
  CLUSTER_SECRET_FILE,
  DUMP_FILE,
  MEDIA_DIR,
  SECRETS_FILE,
  appliedMigrations,
  serverVersion,
  type ServerVersion,
} from './backup.writer';
import { placeEmbeddedCluster } from './embedded-base-backup';
import { S3Storage } from '../storage/s3.storage';
import { copyTree, isEmptyDir, listFiles } from './file-tree';
import { findTool, runTool } from './postgres-tools';
import { clientQuery } from './sql-query';

export interface RestoreReport {
  kind: BackupManifest['database']['kind'];
  serverVersion: string;
  migrations: number;
  mediaFiles: number;
}

/** What a bucket is told an object is; GET /media answers with the media row's type whatever this says. */
const CONTENT_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
};

/** Schemas of ours, not PostgreSQL's (pg_catalog, information_schema, pg_toast, pg_temp_…). */
const USER_SCHEMAS = `SELECT nspname FROM pg_namespace
  WHERE nspname <> 'information_schema' AND nspname NOT LIKE 'pg\\_%' ORDER BY nspname`;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * `guildhall restore <dir>`: checks every checksum, then that the targets (the database and
 * DATA_DIR) are empty — unless `force` — before it changes anything, then restores the database,
 * the media and the secrets, and checks that the database holds the backup's migrations.
 * With MEDIA_STORAGE=s3 the media goes into the bucket (under S3_PREFIX), which must hold nothing
 * there yet; `force` overwrites the backup's keys but deletes nothing else from a bucket.
 * Runs before any runtime starts: a runtime would create new secrets and a new embedded cluster.
 */
export class BackupRestorer {
  constructor(
    private readonly values: GuildhallConfig,
    private readonly logger: Logger,
  ) {}

  async restore(dir: string, options: { force: boolean }): Promise<RestoreReport> {
    const manifest = readManifest(dir);
    await verifyChecksums(dir, manifest);
    const secrets = JSON.parse(readFileSync(join(dir, SECRETS_FILE), 'utf8')) as Secrets;
    if (this.values.federationKeySecret && this.values.federationKeySecret !== secrets.federationKeySecret) {
      throw new BackupException(
        BackupErrorCode.WRONG_TARGET,
        "FEDERATION_KEY_SECRET is set and differs from the backup's: the restored actors' private keys " +
          "would not open. Unset it (the backup's secrets.json is restored) or set it to the backup's value.",
      );
    }
    const bucket = this.values.s3 ? new S3Storage(this.values.s3) : undefined;
    try {
      return await this.restoreInto(dir, manifest, bucket, options);
    } finally {
      bucket?.onModuleDestroy();
    }
  }

  private async restoreInto(
    dir: string,
    manifest: BackupManifest,
    bucket: S3Storage | undefined,
    options: { force: boolean },
  ): Promise<RestoreReport> {
    const dataDirInUse = await this.dataInUse(bucket);

    const database = this.values.databaseUrl
      ? await this.restoreDump(dir, manifest, this.values.databaseUrl, dataDirInUse, options.force)
      : await this.restoreCluster(dir, manifest, dataDirInUse, options.force);

    const mediaFiles = bucket ? await this.uploadMedia(dir, bucket) : await this.copyMedia(dir, options.force);
    // Beside and renamed: no process ever reads half a secrets file. (With the media in a bucket,
    // nothing above has made DATA_DIR yet.)
    await mkdir(this.values.dataDir, { recursive: true, mode: 0o700 });
    const temporary = join(this.values.dataDir, `${SECRETS_FILE}.${process.pid}.tmp`);
    await writeFile(temporary, readFileSync(join(dir, SECRETS_FILE)), { mode: 0o600 });
    await rename(temporary, join(this.values.dataDir, SECRETS_FILE));
    this.logger.info({ msg: 'backup restored', dir, kind: manifest.database.kind, mediaFiles });
    return {
      kind: manifest.database.kind,
      serverVersion: database.version,
      migrations: manifest.database.migrations.length,
      mediaFiles,
    };
  }

  /** Why DATA_DIR (or the media bucket) is not a fresh target, if it is not. */
  private async dataInUse(bucket: S3Storage | undefined): Promise<string | undefined> {
    if (existsSync(join(this.values.dataDir, SECRETS_FILE))) return `${join(this.values.dataDir, SECRETS_FILE)} exists`;
    if (bucket) return (await bucket.isEmpty()) ? undefined : `${bucket.describe()} holds objects`;
    const mediaDir = join(this.values.dataDir, MEDIA_DIR);
    return (await isEmptyDir(mediaDir)) ? undefined : `${mediaDir} is not empty`;
  }

  private async copyMedia(dir: string, force: boolean): Promise<number> {
    const mediaDir = join(this.values.dataDir, MEDIA_DIR);
    if (force) await rm(mediaDir, { recursive: true, force: true });
    return copyTree(join(dir, MEDIA_DIR), mediaDir);
  }

  /** Every backed-up file into the bucket, under its key (the file's name; the directories are shards). */
  private async uploadMedia(dir: string, bucket: S3Storage): Promise<number> {
    const files = await listFiles(join(dir, MEDIA_DIR));
    for (const path of files) {
      const key = path.slice(path.lastIndexOf('/') + 1);
      const type = CONTENT_TYPES[key.slice(key.lastIndexOf('.') + 1)] ?? 'application/octet-stream';
      await bucket.put(key, await readFile(join(dir, MEDIA_DIR, path)), type);
    }
    return files.length;
  }

  private async restoreDump(
    dir: string,
    manifest: BackupManifest,
    url: string,
    dataDirInUse: string | undefined,
    force: boolean,
  ): Promise<ServerVersion> {
    if (manifest.database.kind !== 'pg_dump') {
      throw new BackupException(
        BackupErrorCode.WRONG_TARGET,
        'this backup is a copy of an embedded PostgreSQL cluster: restore it with DATABASE_URL unset, ' +
          'into an empty DATA_DIR',
      );
    }
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const server = await serverVersion(clientQuery(client));
      if (server.major < manifest.database.serverMajor) {
        throw new BackupException(
          BackupErrorCode.WRONG_TARGET,
          `the backup is of PostgreSQL ${manifest.database.serverVersion}; the target server is ` +
            `${server.version}, older: restore into PostgreSQL ${manifest.database.serverMajor} or newer`,
        );
      }
      const tool = await findTool('pg_restore', server.major, this.values.postgresBinDir);
      const schemas = (await client.query<{ nspname: string }>(USER_SCHEMAS)).rows.map((row) => row.nspname);
      const { rows } = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = ANY($1)`,
        [schemas],
      );
      const databaseInUse = Number(rows[0].n) > 0 ? `the database holds ${rows[0].n} relation(s)` : undefined;
      const inUse = [databaseInUse, dataDirInUse].filter(Boolean);
      if (inUse.length && !force) {
        throw new BackupException(
          BackupErrorCode.TARGET_NOT_EMPTY,
          `the target is not empty (${inUse.join('; ')}): restore into an empty database and a new DATA_DIR, ` +
            'or pass --force to replace what is there',
        );
      }
      if (databaseInUse) {
        // --force: what the database held goes, so that it ends up exactly as backed up.
        for (const schema of schemas) await client.query(`DROP SCHEMA "${schema.replace(/"/g, '""')}" CASCADE`);
        await client.query(`CREATE SCHEMA IF NOT EXISTS public`);
      }
      await runTool(
        tool,
        [
          '--exit-on-error',
          '--single-transaction',
          '--no-owner',
          '--no-privileges',
          '--no-password',
          `--dbname=${decodeURIComponent(new URL(url).pathname.slice(1))}`,
          join(dir, DUMP_FILE),
        ],
        url,
      );
      await this.checkMigrations(client, manifest);
      return server;
    } finally {
      await client.end();
    }
  }

  private async restoreCluster(
    dir: string,
    manifest: BackupManifest,
    dataDirInUse: string | undefined,
    force: boolean,
  ): Promise<ServerVersion> {
    if (manifest.database.kind !== 'embedded-base-backup') {
      throw new BackupException(
        BackupErrorCode.WRONG_TARGET,
        'this backup is a pg_dump archive: restore it into an empty PostgreSQL database named by DATABASE_URL',
      );
    }
    const databaseDir = join(this.values.dataDir, 'postgres');
    const pid = Number.parseInt(readFileIfExists(join(databaseDir, 'postmaster.pid')).split('\n')[0] ?? '', 10);
    if (pid > 0 && isAlive(pid)) {
      throw new BackupException(
        BackupErrorCode.TARGET_NOT_EMPTY,
        `the embedded PostgreSQL in ${databaseDir} is running (pid ${pid}): stop the servers and workers first`,
      );
    }
    const inUse = [existsSync(databaseDir) ? `${databaseDir} exists` : undefined, dataDirInUse].filter(Boolean);
    if (inUse.length && !force) {
      throw new BackupException(
        BackupErrorCode.TARGET_NOT_EMPTY,
        `DATA_DIR is not empty (${inUse.join('; ')}): restore into a new DATA_DIR, or pass --force to replace it`,
      );
    }
    await rm(databaseDir, { recursive: true, force: true });
    await rm(join(this.values.dataDir, 'postgres.owner'), { force: true });
    await placeEmbeddedCluster(join(dir, CLUSTER_DIR), databaseDir);
    await copyFile(join(dir, CLUSTER_SECRET_FILE), join(this.values.dataDir, CLUSTER_SECRET_FILE));
    // Starting it replays the copied WAL to the end of the backup; then we look at what it holds.
    const embedded = await startEmbeddedPostgres(this.values.dataDir, this.values.embeddedPostgresPort, this.logger);
    try {
      const client = new Client({ connectionString: embedded.url });
      await client.connect();
      try {
        await this.checkMigrations(client, manifest);
        return await serverVersion(clientQuery(client));
      } finally {
        await client.end();
      }
    } finally {
      await embedded.stop();
    }
  }

  private async checkMigrations(client: Client, manifest: BackupManifest): Promise<void> {
    const restored = await appliedMigrations(clientQuery(client));
    if (JSON.stringify(restored) !== JSON.stringify(manifest.database.migrations)) {
      throw new BackupException(
        BackupErrorCode.TOOL_FAILED,
        `the restored database has ${restored.length} migration(s), the backup ${manifest.database.migrations.length}`,
      );
    }
  }
}

function readFileIfExists(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}
