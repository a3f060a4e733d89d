import { ConfigService } from './config/config.service';
import { parseConfig, type Env } from './config/config.schema';
import { loadOrCreateSecrets } from './config/secrets';
import { startEmbeddedPostgres } from './database/embedded-postgres';
import { createLogger, type Logger } from './logging/logger';

/** What a process needs before Nest starts: validated config, a logger and a database. */
export interface Runtime {
  config: ConfigService;
  logger: Logger;
  /** Releases what `startRuntime` started (the embedded PostgreSQL). Call after `app.close()`. */
  shutdown(): Promise<void>;
}

/**
 * Validates the environment, loads or generates secrets and, with no DATABASE_URL, starts or
 * joins the embedded PostgreSQL in DATA_DIR. Throws ConfigValidationError on a bad variable.
 */
export async function startRuntime(env: Env = process.env, options: { logToStderr?: boolean } = {}): Promise<Runtime> {
  const values = parseConfig(env);
  const logger = createLogger(values.logLevel, options.logToStderr ? 2 : 1);
  const secrets = loadOrCreateSecrets(values.dataDir, {
    jwtSecret: values.jwtSecret,
    federationKeySecret: values.federationKeySecret,
  });
  if (values.databaseUrl) {
    return {
      config: new ConfigService(values, secrets, values.databaseUrl),
      logger,
      shutdown: () => Promise.resolve(),
    };
  }
  const embedded = await startEmbeddedPostgres(values.dataDir, values.embeddedPostgresPort, logger);
  return {
    config: new ConfigService(values, secrets, embedded.url),
    logger,
    shutdown: () => embedded.stop(),
  };
}
