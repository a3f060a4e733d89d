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
 * Runs one subscriber's deliveries one after the other. Once a delivery of an aggregate is not
 * held (blocked) or fails, the later ones of that aggregate are not run here: they wait, in
 * order, for the relay. Other aggregates go on.
 */
export async function deliverInOrder<T extends OrderedDelivery>(
  deliveries: T[],
  run: (delivery: T) => Promise<void>,
): Promise<InOrderOutcome<T>> {
  const outcome: InOrderOutcome<T> = { done: [], failed: [], released: [] };
  const stopped = new Set<string>();
  for (const delivery of deliveries) {
    if (!delivery.leased) {
      stopped.add(delivery.aggregate);
    } else if (stopped.has(delivery.aggregate)) {
      outcome.released.push(delivery);
    } else {
      try {
        await run(delivery);
        outcome.done.push(delivery);
      } catch (error) {
        outcome.failed.push({ delivery, error });
        stopped.add(delivery.aggregate);
      }
    }
  }
  return outcome;
}
