import { AsyncLocalStorage } from 'node:async_hooks';
import type { LoggerService, LogLevel } from '@nestjs/common';
import pino from 'pino';

export type Logger = pino.Logger;

/**
 * Per-request context: the request id and account id every log line made inside it carries, the
 * client's address, and the remote account lookups the request has made so far (RemoteLookupLimiter).
 */
export const requestContext = new AsyncLocalStorage<{
  requestId: string;
  accountId?: string;
  clientIp?: string;
  remoteLookups?: number;
}>();

/** Keys whose values never reach a log line. */
const REDACT = [
  'password',
  'token',
  'refreshToken',
  'authorization',
  'jwtSecret',
  '*.password',
  '*.token',
  '*.refreshToken',
  '*.authorization',
  'headers.authorization',
  'headers.cookie',
];

/** JSON lines on stdout (or `fd`: the CLI logs to stderr so its stdout stays data). */
export function createLogger(level: pino.LevelWithSilent, fd: 1 | 2 = 1): Logger {
  return pino(
    {
      level,
      base: { service: 'guildhall' },
      redact: { paths: REDACT, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin() {
        const context = requestContext.getStore();
        return context ? { requestId: context.requestId, accountId: context.accountId } : {};
      },
    },
    pino.destination({ fd, sync: fd === 2 }),
  );
}

/** Lets `new Logger(X.name)` from @nestjs/common write structured JSON through pino. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  private write(level: pino.Level, message: unknown, params: unknown[]): void {
    const context = typeof params[params.length - 1] === 'string' ? (params.pop() as string) : undefined;
    if (message instanceof Error) {
      this.logger[level]({ context, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ context, ...message });
    } else {
      const [stack] = params;
      this.logger[level]({ context, ...(typeof stack === 'string' ? { stack } : {}) }, String(message));
    }
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }
  setLogLevels(levels: LogLevel[]): void {
    void levels; // pino's level comes from LOG_LEVEL.
  }
}
