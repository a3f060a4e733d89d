import { Module } from '@nestjs/common';
import { PubSub, PubSubEngine } from 'graphql-subscriptions';
import { ConfigService } from '../config/config.service';
import { RedisPubSub } from './redis-pub-sub';

/**
 * The engine behind GraphQL subscriptions, injected as `PubSubEngine`: Redis when REDIS_URL is set
 * (a worker's publish reaches every server), in memory otherwise (the one-process embedded mode,
 * where the server runs the processors itself). Import this module where you publish or subscribe;
 * Nest builds it once per process.
 */
@Module({
  providers: [
    {
      provide: PubSubEngine,
      inject: [ConfigService],
      useFactory: (config: ConfigService): PubSubEngine => {
        const { redisUrl, queuePrefix } = config.values;
        return redisUrl ? new RedisPubSub(redisUrl, queuePrefix) : new PubSub();
      },
    },
  ],
  exports: [PubSubEngine],
})
export class PubSubModule {}
