import type { InboxContext } from '@fedify/fedify';
import type { Activity } from '@fedify/fedify/vocab';

/**
 * One inbound activity type and what it does (Mastodon's `ActivityPub::Activity::*`). Handlers run
 * in the worker, after Fedify verified the signature and that the key's owner is the actor.
 * Expected refusals (not addressed to us, unknown object) return quietly: a throw means "retry".
 */
export interface InboxHandler<T extends Activity = Activity> {
  // Fedify's `on()` takes any Activity subclass constructor.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly type: new (...args: any[]) => T;
  handle(ctx: InboxContext<void>, activity: T): Promise<void>;
}

/** The list of every InboxHandler (a factory provider in FederationModule). */
export const INBOX_HANDLERS = Symbol('INBOX_HANDLERS');
