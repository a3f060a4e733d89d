import { Injectable } from '@nestjs/common';
import { ConfigService } from '@guildhall/core';
import { FederationService } from '../federation.service';
import { InboxRefusal, InboxRefusalCode } from './inbox-request';

/** How old the backlog figure the door reads may be: one queue count per this, not one per POST. */
const REFRESH_MS = 250;
/** What a refused sender is told to wait (Mastodon and most servers retry a 503 with their own backoff anyway). */
const RETRY_AFTER_SECONDS = 30;

/**
 * The door's backpressure: while more messages wait to run than FEDERATION_INBOX_BACKLOG (the
 * ready jobs × the messages per job this process enqueues, ADR 0063),
 * an inbox POST is refused with 503 and Retry-After before any verification or parsing, so the
 * queue stops growing and the workers (in `npm start`, the same process as the door) get the CPU
 * to catch up. Senders retry a 503 later, so nothing is lost. The depth is read at most every
 * REFRESH_MS, in the background: a POST never waits for it.
 */
@Injectable()
export class InboxBacklog {
  private readonly limit: number;
  private ready = 0;
  private readAt = 0;
  private reading = false;

  constructor(
    config: ConfigService,
    private readonly federation: FederationService,
  ) {
    this.limit = config.values.federation.inboxBacklog;
  }

  /** The refusal to answer now, or null when the backlog has room. */
  refusal(): InboxRefusal | null {
    if (this.limit === 0) return null;
    this.refresh();
    if (this.ready <= this.limit) return null;
    return new InboxRefusal(
      503,
      'This server is catching up with the activities it received: try again later',
      InboxRefusalCode.Backlog,
      RETRY_AFTER_SECONDS,
    );
  }

  private refresh(): void {
    const now = Date.now();
    if (this.reading || now - this.readAt < REFRESH_MS) return;
    this.reading = true;
    this.readAt = now;
    this.federation.queue
      .getDepth()
      .then(({ readyMessages }) => {
        this.ready = readyMessages;
      })
      // An unreadable depth refuses nothing: the enqueue that follows fails on its own if the queue is down.
      .catch(() => {
        this.ready = 0;
      })
      .finally(() => {
        this.reading = false;
      });
  }
}
