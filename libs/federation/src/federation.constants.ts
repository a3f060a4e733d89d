/** Fedify's own messages (inbox, fan-out, outbox deliveries), on BullMQ. */
export const FEDERATION_QUEUE = 'federation';

/** Domain events waiting to be turned into activities (the outbound bridge). */
export const FEDERATION_OUTBOUND_QUEUE = 'federation-outbound';

export const FederationJob = {
  /** A Fedify message, opaque to us. */
  Fedify: 'fedify',
  /** One domain event to federate: its payload is `OutboundEventPayload`. */
  Outbound: 'outbound',
} as const;
