import type { GuildhallConfig } from './config.schema';
import type { Secrets } from './secrets';

/**
 * The one typed, validated view of the environment. Nothing else reads process.env.
 * Built once at start-up (see runtime.ts) and provided as a value.
 */
export class ConfigService {
  constructor(
    readonly values: Readonly<GuildhallConfig>,
    private readonly secrets: Readonly<Secrets>,
    /** The PostgreSQL URL in use: DATABASE_URL, or the embedded server's. */
    readonly databaseUrl: string,
  ) {}

  get jwtSecret(): string {
    return this.secrets.jwtSecret;
  }

  get federationKeySecret(): string {
    return this.secrets.federationKeySecret;
  }

  get isProduction(): boolean {
    return this.values.nodeEnv === 'production';
  }

  get queueBackend(): 'redis' | 'postgres' {
    return this.values.redisUrl ? 'redis' : 'postgres';
  }
}
