import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BackupErrorCode, BackupException } from './backup.exception';

const run = promisify(execFile);

export type PostgresTool = 'pg_dump' | 'pg_restore';

export interface FoundTool {
  path: string;
  /** Its `--version` line, e.g. "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)". */
  version: string;
  major: number;
}

/** "15.20 (Debian …)" or "180004" → 15 / 18: the major version as PostgreSQL numbers it since 10. */
export function majorOf(serverVersionNum: number): number {
  return Math.floor(serverVersionNum / 10_000);
}

async function probe(path: string): Promise<FoundTool | undefined> {
  try {
    const { stdout } = await run(path, ['--version'], { timeout: 10_000 });
    const match = /\(PostgreSQL\)\s+(\d+)/.exec(stdout);
    return match ? { path, version: stdout.trim(), major: Number(match[1]) } : undefined;
  } catch {
    return undefined; // not there or not runnable
  }
}

/**
 * The pg_dump or pg_restore of exactly the server's major version: an older pg_dump refuses a
 * newer server, and a newer one writes archives an older pg_restore cannot read, so "whatever is
 * on PATH" is not good enough. With POSTGRES_BIN_DIR only that directory is searched; else
 * Debian's /usr/lib/postgresql/<major>/bin, then PATH. Refuses, naming what it found, when none fits.
 */
export async function findTool(tool: PostgresTool, major: number, binDir: string | undefined): Promise<FoundTool> {
  const candidates = binDir
    ? [join(binDir, tool)]
    : [join('/usr/lib/postgresql', String(major), 'bin', tool), tool].filter(
        (path) => path === tool || existsSync(path),
      );
  const found: FoundTool[] = [];
  for (const path of candidates) {
    const probed = await probe(path);
    if (probed?.major === major) return probed;
    if (probed) found.push(probed);
  }
  const seen = found.length ? found.map((f) => `${f.path}: ${f.version}`).join('; ') : 'none';
  throw new BackupException(
    BackupErrorCode.TOOLS_MISMATCH,
    `the database server is PostgreSQL ${major} but no ${tool} ${major} was found (found: ${seen}). ` +
      `Install the PostgreSQL ${major} client tools (Debian: postgresql-client-${major}) or set ` +
      `POSTGRES_BIN_DIR to the directory that holds them.`,
  );
}

/** Runs a tool with the connection in libpq's environment variables (the password never in argv). */
export async function runTool(tool: FoundTool, args: string[], databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const env: NodeJS.ProcessEnv = {
    // The child's environment (PATH, locale), not configuration: nothing here is read from it.
    // eslint-disable-next-line no-restricted-properties
    ...process.env,
    PGHOST: url.hostname.replace(/^\[|\]$/g, ''),
    PGPORT: url.port || '5432',
    PGUSER: decodeURIComponent(url.username) || 'postgres',
    PGDATABASE: decodeURIComponent(url.pathname.slice(1)),
  };
  if (url.password) env.PGPASSWORD = decodeURIComponent(url.password);
  const sslmode = url.searchParams.get('sslmode');
  if (sslmode) env.PGSSLMODE = sslmode;
  try {
    await run(tool.path, args, { env, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new BackupException(
      BackupErrorCode.TOOL_FAILED,
      `${tool.path} failed: ${stderr || (error instanceof Error ? error.message : String(error))}`,
    );
  }
}
