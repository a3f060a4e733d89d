import type { Command } from 'commander';
import { DeliveryState, EVENT_SUBSCRIPTIONS, OutboxRepository } from '@guildhall/core';
import { UsageError, withContext } from '../cli-context';

const SUBSCRIBERS = Object.keys(EVENT_SUBSCRIPTIONS);

function write(value: unknown, pretty?: boolean): Promise<void> {
  // main.ts exits once the action resolves: wait until the output has left the pipe.
  return new Promise((resolve) =>
    process.stdout.write(JSON.stringify(value, null, pretty ? 2 : undefined) + '\n', () => resolve()),
  );
}

/**
 * `guildhall events` lists the domain-event deliveries parked after their last attempt (ADR 0016),
 * with `--pending` those still waiting or retrying too; `guildhall events retry <id>` (or `--all`)
 * puts dead deliveries back in the queue with fresh attempts, for the worker to deliver.
 */
export function registerEventsCommands(program: Command): void {
  const events = program
    .command('events')
    .description(
      'list domain-event deliveries that failed every attempt (dead), oldest first, as JSON on stdout: ' +
        'event id, name, aggregate, subscriber, attempts, last error',
    )
    .option('--pending', 'also list deliveries still pending (waiting, or failing and retrying)')
    .option('--limit <n>', 'at most this many (1-10000)', '100')
    .option('--pretty', 'indent the JSON by two spaces')
    .action(async (options: { pending?: boolean; limit: string; pretty?: boolean }) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
        throw new UsageError('--limit must be an integer from 1 to 10000');
      }
      const states = options.pending ? [DeliveryState.Dead, DeliveryState.Pending] : [DeliveryState.Dead];
      const deliveries = await withContext({ migrate: false }, (app) => app.get(OutboxRepository).list(states, limit));
      await write({ count: deliveries.length, deliveries }, options.pretty);
    });
  events
    .command('retry')
    .description(
      'put dead deliveries back in the queue with fresh attempts: of one event (optionally one ' +
        'subscriber), or --all; a running worker delivers them at once. Prints what was re-queued.',
    )
    .argument('[eventId]', 'the event id `guildhall events` shows')
    .option('--all', 'every dead delivery')
    .option('--subscriber <name>', `only this subscriber's delivery (${SUBSCRIBERS.join(', ')})`)
    .action(async (eventId: string | undefined, options: { all?: boolean; subscriber?: string }) => {
      if ((eventId === undefined) === !options.all) throw new UsageError('give an event id or --all (not both)');
      if (eventId !== undefined && !/^[1-9]\d{0,17}$/.test(eventId)) {
        throw new UsageError(`"${eventId}" is not an event id (a positive integer)`);
      }
      if (options.subscriber !== undefined && !SUBSCRIBERS.includes(options.subscriber)) {
        throw new UsageError(`--subscriber must be one of ${SUBSCRIBERS.join(', ')}`);
      }
      const retried = await withContext({ migrate: false }, (app) =>
        app.get(OutboxRepository).retryDead(eventId ?? null, options.subscriber ?? null),
      );
      if (eventId !== undefined && retried.length === 0) {
        throw new UsageError(
          `event ${eventId} has no dead delivery${options.subscriber ? ` to ${options.subscriber}` : ''}`,
        );
      }
      await write({ retried });
    });
}
