import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { SYSTEM_QUEUE } from '../queue/queue.constants';
import { QueueHealthIndicator } from './queue.health';

@Module({
  imports: [TerminusModule, BullModule.registerQueue({ name: SYSTEM_QUEUE })],
  providers: [QueueHealthIndicator],
  exports: [TerminusModule, QueueHealthIndicator],
})
export class HealthModule {}
