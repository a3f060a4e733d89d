/** One delivery of a batch, in the order its events were written. */
export interface OrderedDelivery {
  aggregate: string;
  /** Held by this batch; false when an earlier event of the aggregate is still undelivered elsewhere. */
  leased: boolean;
}

export interface InOrderOutcome<T> {
  done: T[];
  failed: { delivery: T; error: unknown }[];
  /** Leased but not run (behind a failure or a blocked event of the same aggregate): give them back. */
  released: T[];
}

/**
 * Runs one subscriber's deliveries in order. Once a delivery of an aggregate is not held
 * (blocked) or fails, the later ones of that aggregate are not run here: they wait, in order, for
 * the relay. Other aggregates go on.
 *
 * With `runMany` (the subscriber's batch handler, docs/adr/0058), consecutive held deliveries of
 * distinct aggregates go to it together: a run ends where an aggregate repeats, so a later event
 * of an aggregate is never applied with, or before, an earlier one. When `runMany` throws, that run
 * is delivered one by one, so each delivery gets its own outcome and only the failing one (and
 * what follows it in its aggregate) is retried.
 */
export async function deliverInOrder<T extends OrderedDelivery>(
  deliveries: T[],
  run: (delivery: T) => Promise<void>,
  runMany?: (deliveries: T[]) => Promise<void>,
): Promise<InOrderOutcome<T>> {
  const outcome: InOrderOutcome<T> = { done: [], failed: [], released: [] };
  const stopped = new Set<string>();
  let pending: T[] = [];
  let aggregates = new Set<string>();

  const runOne = async (delivery: T) => {
    try {
      await run(delivery);
      outcome.done.push(delivery);
    } catch (error) {
      outcome.failed.push({ delivery, error });
      stopped.add(delivery.aggregate);
    }
  };
  const flush = async () => {
    const batch = pending;
    pending = [];
    aggregates = new Set();
    if (runMany && batch.length > 1) {
      try {
        await runMany(batch);
        outcome.done.push(...batch);
        return;
      } catch {
        // Each on its own below: the failing delivery is found and recorded, the others done.
      }
    }
    for (const delivery of batch) await runOne(delivery);
  };

  for (const delivery of deliveries) {
    if (aggregates.has(delivery.aggregate)) await flush();
    if (!delivery.leased) {
      stopped.add(delivery.aggregate);
    } else if (stopped.has(delivery.aggregate)) {
      outcome.released.push(delivery);
    } else {
      pending.push(delivery);
      aggregates.add(delivery.aggregate);
    }
  }
  await flush();
  return outcome;
}
