import type { DeliveryKey } from './outbox.repository';

/** Writes one batch of done marks (OutboxRepository.markDone). */
export type WriteMarks = (keys: DeliveryKey[]) => Promise<void>;

/**
 * Coalesces the done marks of concurrent dispatches: marks added while a write is in flight (or
 * in the same event-loop turn) go out together in the next one, so N dispatches cost one UPDATE
 * and one commit instead of N (docs/adr/0016). A mark is a hint, not a guarantee: one lost with
 * the process (or a failed write) leaves the delivery leased, and the relay redelivers it to its
 * idempotent subscriber once the lease expires.
 */
export class DoneMarks {
  private pending: DeliveryKey[] = [];
  private waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private writing: Promise<void> | null = null;
  private scheduled = false;

  constructor(private readonly write: WriteMarks) {}

  /** Queues `keys`; resolves once the write that carries them has committed (or rejects with its error). */
  add(keys: DeliveryKey[]): Promise<void> {
    this.pending.push(...keys);
    const written = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.schedule();
    return written;
  }

  /** Writes whatever is queued and waits for every write in flight (shutdown). */
  async flush(): Promise<void> {
    while (this.writing || this.pending.length) {
      if (!this.writing) this.start();
      await this.writing?.catch(() => undefined);
    }
  }

  private schedule(): void {
    if (this.scheduled || this.writing) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.writing) this.start();
    });
  }

  private start(): void {
    const keys = this.pending;
    const waiters = this.waiters;
    this.pending = [];
    this.waiters = [];
    if (!keys.length) {
      for (const waiter of waiters) waiter.resolve();
      return;
    }
    this.writing = this.write(keys).then(
      () => {
        for (const waiter of waiters) waiter.resolve();
      },
      (error: unknown) => {
        for (const waiter of waiters) waiter.reject(error);
      },
    );
    void this.writing.finally(() => {
      this.writing = null;
      if (this.pending.length) this.schedule();
    });
  }
}
