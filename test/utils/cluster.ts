import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { freePort, serve, until, type Served } from './instance';
import { cleanEnv, start } from './spawn';
import { testEnv } from './test-app';

/**
 * Several processes of the built project (npm run build first) against one PostgreSQL and one
 * Redis, as on several machines: each its own DATA_DIR (nothing shared on disk), the secrets given
 * in the environment, one PUBLIC_ORIGIN, one queue prefix.
 */

export interface ServerProcess extends Served {
  origin: string;
  dataDir: string;
}

export interface WorkerProcess {
  child: ChildProcess;
  dataDir: string;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** The environment every process of the cluster shares (add PORT and DATA_DIR per process). */
export function clusterEnv(overrides: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  // testEnv's LOG_LEVEL is silent; cleanEnv's warn shows what goes wrong in a failing test's output.
  const { LOG_LEVEL: _silent, ...shared } = testEnv(overrides);
  return cleanEnv(shared);
}

/** Starts the built server on a port of its own (`port`, or a free one) and waits for /health. */
export async function startServer(env: NodeJS.ProcessEnv, port?: number): Promise<ServerProcess> {
  const listenOn = port ?? (await freePort());
  const dataDir = mkdtempSync(join(tmpdir(), 'guildhall-cluster-server-'));
  const served = await serve({ ...env, PORT: String(listenOn), DATA_DIR: dataDir });
  return { ...served, origin: `http://127.0.0.1:${listenOn}`, dataDir };
}

/** Starts the built worker and waits for its heartbeat file (written once it has bootstrapped). */
export async function startWorker(env: NodeJS.ProcessEnv): Promise<WorkerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'guildhall-cluster-worker-'));
  const worker = start(['dist/apps/worker/main.js'], { ...env, DATA_DIR: dataDir });
  const exited = new Promise((resolve) => worker.child.once('exit', resolve));
  const beating = until(
    () => Promise.resolve(readdirSync(dataDir).some((name) => name.endsWith('.heartbeat')) ? true : undefined),
    'the worker heartbeat',
    90_000,
  );
  const died = exited.then(() => Promise.reject(new Error('the worker exited')));
  await Promise.race([beating, died]).catch((error: Error) => {
    worker.child.kill('SIGKILL');
    throw new Error(`${error.message}\n${worker.output()}`);
  });
  died.catch(() => undefined);
  return {
    child: worker.child,
    dataDir,
    output: worker.output,
    stop: async (signal = 'SIGTERM') => {
      if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill(signal);
      await exited;
    },
  };
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. Removes its DATA_DIR. */
export async function stopProcess(
  proc: { stop(signal?: NodeJS.Signals): Promise<void>; dataDir: string } | undefined,
  graceMs = 15_000,
): Promise<void> {
  if (!proc) return;
  const timer = setTimeout(() => void proc.stop('SIGKILL'), graceMs);
  try {
    await proc.stop('SIGTERM');
  } finally {
    clearTimeout(timer);
    if (existsSync(proc.dataDir)) rmSync(proc.dataDir, { recursive: true, force: true });
  }
}
