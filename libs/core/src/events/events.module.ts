import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DomainEventBus } from './domain-event-bus';
import { EventDispatcher } from './event-dispatcher';
import { OutboxDeliveryEntity } from './outbox-delivery.entity';
import { OutboxEventEntity } from './outbox-event.entity';
import { OutboxRepository } from './outbox.repository';

/** The outbox: publishing (every process) and its administration (`guildhall events`). */
@Module({
  imports: [TypeOrmModule.forFeature([OutboxEventEntity, OutboxDeliveryEntity])],
  providers: [OutboxRepository, EventDispatcher, DomainEventBus],
  exports: [OutboxRepository, EventDispatcher, DomainEventBus],
})
export class EventsModule {}
