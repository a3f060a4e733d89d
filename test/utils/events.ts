import type { INestApplicationContext } from '@nestjs/common';
import { DomainEventBus, type DomainEventName, type DomainEventPayloads } from '@guildhall/core';
import { DataSource } from 'typeorm';

/** Publishes a domain event as a service does: written in a transaction, delivered after its commit. */
export function publishEvent<E extends DomainEventName>(
  app: INestApplicationContext,
  name: E,
  payload: DomainEventPayloads[E],
): Promise<void> {
  const bus = app.get(DomainEventBus);
  return app.get(DataSource).transaction((manager) => bus.publish(manager, name, payload));
}

/** The events written to the outbox with these names, oldest first, as `{ name, payload }`. */
export async function writtenEvents(
  app: INestApplicationContext,
  names: readonly DomainEventName[],
): Promise<{ name: DomainEventName; payload: Record<string, unknown> }[]> {
  return app
    .get(DataSource)
    .query(`SELECT name, payload FROM domain_events WHERE name = ANY($1::text[]) ORDER BY id`, [names]);
}
