/**
 * Every series Guildhall exposes, by name: the dashboard (docker/grafana-dashboard.json) and
 * operators' alerts are written against these, so they change only on purpose.
 */
export const METRIC = {
  httpRequestDuration: 'guildhall_http_request_duration_seconds',
  graphqlOperationDuration: 'guildhall_graphql_operation_duration_seconds',
  queueDepth: 'guildhall_queue_depth',
  jobDuration: 'guildhall_job_duration_seconds',
  federationDeliveries: 'guildhall_federation_deliveries_total',
  inboxActivities: 'guildhall_inbox_activities_total',
  outboxLag: 'guildhall_outbox_lag_seconds',
  outboxPending: 'guildhall_outbox_pending',
  periodClosePhase: 'guildhall_period_close_phase_seconds',
} as const;

/** Prefix of prom-client's default process metrics (memory, CPU, event-loop lag, GC, handles). */
export const PROCESS_METRIC_PREFIX = 'guildhall_';

/** The GraphQL operation's kind; `unknown` when the document never resolved to an operation. */
export type GraphqlOperationType = 'query' | 'mutation' | 'subscription' | 'unknown';

/** `invalid`: refused before execution (parse, validation, limits); `error`: executed with errors. */
export type GraphqlOutcome = 'success' | 'error' | 'invalid';

export type JobOutcome = 'completed' | 'failed';

/** BullMQ job states reported by `guildhall_queue_depth`. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed'] as const;

/** `route` of a request no route matched (a 404): never the raw URL, which anyone chooses. */
export const UNMATCHED_ROUTE = 'unmatched';

/** `operation` of an unnamed GraphQL operation, and of one past the name cap. */
export const ANONYMOUS_OPERATION = 'anonymous';
export const OTHER_OPERATION = 'other';
