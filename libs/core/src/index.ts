export { ConfigService } from './config/config.service';
export {
  ConfigValidationError,
  parseConfig,
  type GuildhallConfig,
  type Env,
  type S3Settings,
} from './config/config.schema';
export { CoreModule, type CoreModuleOptions } from './core.module';
export { startRuntime, type Runtime } from './runtime';
export { MigrationRunner } from './database/migration.runner';
export { SnakeNamingStrategy } from './database/snake-naming.strategy';
export { queueConnection } from './queue/queue.module';
export { SYSTEM_QUEUE } from './queue/queue.constants';
export { createLogger, PinoNestLogger, requestContext, type Logger } from './logging/logger';
export { LOGGER } from './logging/logger.token';
export { DomainException, GraphqlErrorCode } from './errors/domain.exception';
export { formatGraphqlError } from './graphql/format-error';
export { depthLimitRule } from './graphql/depth-limit.rule';
export { complexityError, complexityPlugin, complexityRefusal, operationComplexity } from './graphql/complexity.plugin';
export { fieldCost, listComplexity, perItemComplexity } from './graphql/complexity.estimators';
export { fieldLimitRule } from './graphql/field-limit.rule';
export { RateLimiterService, type Limit, type Verdict } from './rate-limit/rate-limiter.service';
export { HealthModule } from './health/health.module';
export { QueueHealthIndicator } from './health/queue.health';
export { runProcess } from './process';
export { uuidv7, uuidv7Time, UUID_PATTERN } from './ids/uuid-v7';
export {
  DomainEvent,
  type DomainEventName,
  type DomainEventPayloads,
  type PostPublishedEvent,
  type PostUpdatedEvent,
  type PostDeletedEvent,
  type PostEngagementEvent,
  type PollVotedEvent,
  type PollExpiredEvent,
  type FollowEvent,
  type BlockEvent,
  type ProfileUpdatedEvent,
  type ReportUpheldEvent,
  type AccountCreatedEvent,
  type ReportFiledEvent,
  type ReportForwardedEvent,
  type NotificationCreatedEvent,
} from './events/domain-events';
export { DomainEventBus, type PublishedEvent } from './events/domain-event-bus';
export {
  EventSubscriber,
  EVENT_SUBSCRIPTIONS,
  type EventMeta,
  type EventSubscriberName,
  type SubscriberHandlers,
  type SubscribedDelivery,
  type BatchHandler,
  type SubscriberOptions,
} from './events/event-subscriptions';
export { EventRelayModule } from './events/event-relay.module';
export { OutboxRepository, type DeliveryRecord, type DeliveryKey, type RowsWrite } from './events/outbox.repository';
export { DeliveryState } from './events/outbox-delivery.entity';
export {
  afterCursor,
  InvalidCursorException,
  encodeCursor,
  decodeCursor,
  toPage,
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  type Page,
} from './pagination/cursor';
export {
  ConnectionArgs,
  ConnectionType,
  PageInfo,
  toConnection,
  type Connection,
  type Edge,
} from './graphql/connection';
export {
  LoaderFactories,
  LoaderKey,
  RequestLoaders,
  type LoaderFactory,
  type LoaderRequest,
} from './graphql/request-loaders';
export { MarkdownRenderer } from './rendering/markdown.renderer';
export { MarkdownTooComplexException } from './rendering/markdown.limits';
export { extractHashtags, extractMentions, type MentionRef, type RenderOptions } from './rendering/markdown.renderer';
export { MediaStorage } from './storage/media-storage';
export { LocalDiskStorage } from './storage/local-disk.storage';
export { StorageModule } from './storage/storage.module';
export { S3Storage } from './storage/s3.storage';
export { PubSubModule } from './pubsub/pubsub.module';
export { RedisPubSub } from './pubsub/redis-pub-sub';
export { DomainHttpExceptionFilter, HTTP_STATUS_BY_GRAPHQL_CODE } from './errors/domain-http-exception.filter';
export { UnexpectedErrorFilter } from './errors/unexpected-error.filter';
export { containsNul, nulInputRefusal } from './errors/nul-text';
export { nulInputHook } from './errors/nul-input.hook';
export { inputTextPlugin } from './graphql/input-text.plugin';
export { CompiledExecution, compiledExecutionGateway, type ExecutorGateway } from './graphql/compiled-execution';
export { RowMapper } from './database/row-mapper';
export { BoundedMap, BoundedSet } from './collections/bounded';
export { RememberValid, remembersValid } from './validation/remember-valid';
export {
  PREPARED_CONSTANT_LIMIT,
  PREPARED_STATEMENT_LIMIT,
  preparedStatement,
  withArrayRows,
} from './database/prepared-statement';
export { hostOf, normalizeHost } from './hosts/host-name';
export { BackupWriter, type ReferencedMedia } from './backup/backup.writer';
export { BackupRestorer, type RestoreReport } from './backup/backup.restorer';
export { BackupException, BackupErrorCode } from './backup/backup.exception';
export { type BackupManifest } from './backup/backup-manifest';
export { AuditLog, type AuditRecord, type AuditPage } from './audit/audit-log';
export { AuditEntryEntity } from './audit/audit-entry.entity';
export { Metrics, MAX_OPERATION_NAMES } from './metrics/metrics.service';
export { graphqlMetricsPlugin } from './metrics/graphql-metrics.plugin';
export { MetricsEndpoint, type MetricsAnswer } from './metrics/metrics-endpoint';
export { QueueMetrics } from './metrics/queue-metrics';
export {
  METRIC,
  UNMATCHED_ROUTE,
  type GraphqlOperationType,
  type GraphqlOutcome,
  type JobOutcome,
} from './metrics/metric-names';
