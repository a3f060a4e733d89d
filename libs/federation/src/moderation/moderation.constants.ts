/**
 * Background purges of blocked domains. A queue of their own (not FederationJob's queues): a long
 * purge must not hold up deliveries or inbox work, and its processor's switch stays its own.
 */
export const DOMAIN_PURGE_QUEUE = 'federation-domain-purge';

export const ModerationJob = {
  /** Removes what was stored from a blocked domain, in batches: `DomainPurgePayload`. */
  PurgeDomain: 'purge-domain',
} as const;
