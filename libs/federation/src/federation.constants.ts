/** Fedify's own messages (inbox, fan-out, outbox deliveries), on BullMQ. */
export const FEDERATION_QUEUE = 'federation';

/** Domain events waiting to be turned into activities (the outbound bridge). */
export const FEDERATION_OUTBOUND_QUEUE = 'federation-outbound';

/** Signed POSTs of our activities to remote inboxes (DeliveryService). */
export const FEDERATION_DELIVERY_QUEUE = 'federation-delivery';

export const FederationJob = {
  /** A Fedify message, opaque to us. */
  Fedify: 'fedify',
  /**
   * Several inbox messages of Fedify's in one job (`FedifyMessages`): those the door enqueued in the
   * same turn of the event loop, so the queue's per-job work (add, fetch, lock, complete) is paid
   * once for them (ADR 0063).
   */
  FedifyMany: 'fedify-many',
  /** One domain event to federate: its payload is `OutboundEventPayload`. */
  Outbound: 'outbound',
  /** One activity to a batch of inboxes: `DeliveryPayload`. */
  Deliver: 'deliver',
} as const;

/** The data of a `FedifyMany` job: Fedify inbox messages, each run as a job of its own would be. */
export interface FedifyMessages {
  messages: unknown[];
}
