import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command of the built project with Node 24 (this process's node) and collects its output;
 * `input`, when given, is written to its standard input (e.g. a password for `--password-stdin`).
 */
export function run(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000, input?: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (input !== undefined) child.stdin?.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out: ${args.join(' ')}\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts a long-running process of the built project; its output is kept for diagnostics. */
export function start(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

/** An environment without the variables the developer's shell may have set. */
export function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (
      /^(DATABASE_URL|REDIS_URL|PORT|PUBLIC_ORIGIN|DATA_DIR|JWT_SECRET|QUEUE_PREFIX|NODE_OPTIONS|TEST_.*)$/.test(name)
    ) {
      delete env[name];
    }
  }
  return { ...env, LOG_LEVEL: 'warn', ...extra };
}

/** The environment `npm start` sets (glibc's arenas and mmap threshold: docs/adr/0054). */
export const NPM_START_ENV = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '1048576' };
/** What `npm start` runs after `node` (its V8 flags: docs/adr/0015, docs/adr/0054). */
export const NPM_START_ARGS = [
  '--max-semi-space-size=16',
  '--memory-balancer',
  'dist/apps/server/main.js',
  '--with-worker',
];

/** PIDs of the embedded PostgreSQL serving this data directory (none when it is not running). */
export function postgresOf(dataDir: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', `postgres -D ${dataDir}/postgres`])
      .toString()
      .trim()
      .split('\n')
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** Waits until the server at `origin` answers /health (its output in the error otherwise). */
export async function waitForHealth(origin: string, output: () => string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${origin}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`server did not become healthy:\n${output()}`);
}
