import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { setDefaultBackendFactory } from 'bullmq';
import { ConfigService } from '../config/config.service';
import { createSharedPostgresBackendFactory } from './shared-postgres-backend';

/** One pool and one LISTEN client for every Queue and Worker of the process (docs/adr/0014). */
const sharedPostgresBackend = createSharedPostgresBackendFactory();

/** BullMQ's connection options for this configuration: Redis when REDIS_URL is set, else PostgreSQL. */
export function queueConnection(config: ConfigService): Record<string, unknown> {
  const redisUrl = config.values.redisUrl;
  if (redisUrl) {
    setDefaultBackendFactory(undefined); // BullMQ's own default: Redis.
    const url = new URL(redisUrl);
    return {
      connection: {
        host: url.hostname,
        port: Number(url.port || 6379),
        username: url.username || undefined,
        password: url.password ? decodeURIComponent(url.password) : undefined,
        db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
        tls: url.protocol === 'rediss:' ? {} : undefined,
        maxRetriesPerRequest: null,
      },
      prefix: config.values.queuePrefix,
    };
  }
  // Process-wide: every Queue and Worker this process builds uses PostgreSQL, on one shared
  // connection (BullMQ's own factory opens a pool and a LISTEN client for each of them).
  setDefaultBackendFactory(sharedPostgresBackend);
  return {
    connection: {
      connectionString: config.databaseUrl,
      schema: `${config.values.queuePrefix.replace(/-/g, '_')}_queues`,
      // Without migrate: true the backend loops on a schema error until it runs out of memory.
      migrate: true,
      // Shared by every queue and worker of the process; idle clients close after 10 s.
      max: 20,
    },
  };
}

@Global()
@Module({})
export class QueueModule {
  static forRoot(): DynamicModule {
    return {
      module: QueueModule,
      imports: [
        BullModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService) => queueConnection(config) as never,
        }),
      ],
      exports: [BullModule],
    };
  }
}
