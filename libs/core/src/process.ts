import { ConfigValidationError } from './config/config.schema';
import { startRuntime, type Runtime } from './runtime';

interface Closable {
  close(): Promise<void>;
}

/**
 * The life of a long-running process: validate config (a bad value stops it with one line
 * naming the variable), start, and on SIGINT/SIGTERM close Nest first and the embedded
 * PostgreSQL last, so nothing is left running.
 */
export function runProcess(name: string, start: (runtime: Runtime) => Promise<Closable>): void {
  let runtime: Runtime | undefined;
  let app: Closable | undefined;
  let stopping = false;

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    runtime?.logger.info({ msg: 'shutting down', signal, process: name });
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    try {
      await app?.close();
    } catch (error) {
      runtime?.logger.error({ msg: 'error while closing', err: error });
    }
    await runtime?.shutdown();
    exit(0);
  };
  // pino writes asynchronously: flush before exiting or the last lines are lost.
  const exit = (code: number) => {
    if (runtime) runtime.logger.flush(() => process.exit(code));
    else process.exit(code);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  (async () => {
    const started = Date.now();
    runtime = await startRuntime();
    app = await start(runtime);
    runtime.logger.info({ msg: 'started', process: name, ms: Date.now() - started });
    if (stopping) await stop('early signal');
  })().catch(async (error: unknown) => {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    process.stderr.write(
      `${name} failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    await runtime?.shutdown().catch(() => undefined);
    exit(1);
  });
}
