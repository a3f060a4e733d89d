import { type DynamicModule, Global, Module } from '@nestjs/common';
import { AuditModule } from './audit/audit.module';
import { ConfigService } from './config/config.service';
import { EventsModule } from './events/events.module';
import { LoaderFactories } from './graphql/request-loaders';
import { MarkdownRenderer } from './rendering/markdown.renderer';
import { DatabaseModule, type DatabaseModuleOptions } from './database/database.module';
import { LOGGER } from './logging/logger.token';
import { MetricsModule } from './metrics/metrics.module';
import { QueueModule } from './queue/queue.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import type { Runtime } from './runtime';

export interface CoreModuleOptions extends DatabaseModuleOptions {
  runtime: Runtime;
}

/** Config, logging, database, queues, rate limits, the domain-event outbox, the stewards' audit log and metrics: what every Guildhall process shares. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(options: CoreModuleOptions): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        DatabaseModule.forRoot(options),
        QueueModule.forRoot(),
        RateLimitModule,
        EventsModule,
        AuditModule,
        MetricsModule,
      ],
      providers: [
        { provide: ConfigService, useValue: options.runtime.config },
        { provide: LOGGER, useValue: options.runtime.logger },
        LoaderFactories,
        MarkdownRenderer,
      ],
      exports: [
        ConfigService,
        LOGGER,
        DatabaseModule,
        QueueModule,
        RateLimitModule,
        EventsModule,
        AuditModule,
        MetricsModule,
        LoaderFactories,
        MarkdownRenderer,
      ],
    };
  }
}
