import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { DomainEventName, DomainEventPayloads } from './domain-events';

/**
 * Publishes domain events to in-process listeners (`@OnEvent(DomainEvent.X)`). Call it after the
 * transaction that made the change has committed. A failing listener is logged and never fails
 * the write that caused the event.
 */
@Injectable()
export class DomainEventBus {
  private readonly logger = new Logger(DomainEventBus.name);

  constructor(private readonly emitter: EventEmitter2) {}

  async publish<E extends DomainEventName>(name: E, payload: DomainEventPayloads[E]): Promise<void> {
    try {
      await this.emitter.emitAsync(name, payload);
    } catch (error) {
      this.logger.error({ msg: 'domain event listener failed', event: name, err: error });
    }
  }
}
