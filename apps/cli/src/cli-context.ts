import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  createLogger,
  type GuildhallConfig,
  type Logger,
  parseConfig,
  PinoNestLogger,
  startRuntime,
  type Runtime,
} from '@guildhall/core';
import { CliModule } from './cli.module';

/** An error the operator caused (bad arguments or input): exit code 2, message on stderr. */
export class UsageError extends Error {}

/**
 * Runs one command against the database: logs go to stderr (stdout carries the command's
 * output), and the embedded PostgreSQL is joined if a server runs, else started and stopped.
 */
export async function withContext<T>(
  options: { migrate: boolean },
  run: (app: INestApplicationContext, runtime: Runtime) => Promise<T>,
): Promise<T> {
  // Quiet by default: an operator wants the command's answer, not the framework's start-up lines.
  const runtime = await startRuntime({ LOG_LEVEL: 'warn', ...process.env }, { logToStderr: true });
  let app: INestApplicationContext | undefined;
  try {
    app = await NestFactory.createApplicationContext(CliModule.forRoot(runtime, options), {
      logger: new PinoNestLogger(runtime.logger),
      abortOnError: false,
    });
    await app.init();
    return await run(app, runtime);
  } finally {
    await app?.close();
    await runtime.shutdown();
  }
}

/** The validated configuration and a stderr logger, for a command that must run before any runtime starts. */
export function withoutRuntime(): { values: GuildhallConfig; logger: Logger } {
  const values = parseConfig({ LOG_LEVEL: 'warn', ...process.env });
  return { values, logger: createLogger(values.logLevel, 2) };
}
