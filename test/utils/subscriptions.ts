import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import type { TestApp } from './test-app';

export type SubscriptionEvent =
  | { kind: 'next'; result: FormattedExecutionResult<Record<string, unknown>, unknown> }
  | { kind: 'error'; error: unknown }
  | { kind: 'complete' };

/** Fails after `ms` rather than letting a missing message run into Jest's 60-second timeout. */
export function within<T>(promise: Promise<T>, ms = 5_000, what = 'a message'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** What one subscription delivered, in order; `next()` waits for the following one. */
export class SubscriptionFeed {
  private readonly events: SubscriptionEvent[] = [];
  private readonly waiting: ((event: SubscriptionEvent) => void)[] = [];

  push(event: SubscriptionEvent): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter(event);
    else this.events.push(event);
  }

  next(ms?: number): Promise<SubscriptionEvent> {
    const event = this.events.shift();
    return event ? Promise.resolve(event) : within(new Promise((resolve) => this.waiting.push(resolve)), ms);
  }

  /** Events delivered and not yet read with `next()`. */
  get pending(): readonly SubscriptionEvent[] {
    return this.events;
  }
}

/** The graphql-ws URL of an app that is listening (`await t.app.listen(0, '127.0.0.1')`). */
export async function wsUrl(t: TestApp): Promise<string> {
  return `${(await t.app.getUrl()).replace(/^http/, 'ws')}/graphql`;
}

/** A graphql-ws client that never retries, authenticated with `authorization` when given. */
export function wsClient(url: string, authorization?: string): Client {
  return createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: authorization === undefined ? undefined : { authorization },
    retryAttempts: 0,
    lazy: true,
  });
}

/** Starts an operation over `client`; its results arrive in the returned feed. */
export function subscribe(client: Client, query: string, variables?: Record<string, unknown>): SubscriptionFeed {
  const feed = new SubscriptionFeed();
  client.subscribe<Record<string, unknown>>(
    { query, variables },
    {
      next: (result) => feed.push({ kind: 'next', result }),
      error: (error) => feed.push({ kind: 'error', error }),
      complete: () => feed.push({ kind: 'complete' }),
    },
  );
  return feed;
}
