import { isAbsolute, resolve } from 'node:path';

/** Everything Guildhall reads from its environment, typed and validated. */
export interface GuildhallConfig {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  publicOrigin: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  dataDir: string;
  embeddedPostgresPort: number;
  /** Where `guildhall backup`/`restore` look for pg_dump/pg_restore; unset: Debian's per-version dirs, then PATH. */
  postgresBinDir: string | undefined;
  federationAllowPrivateAddresses: boolean;
  federation: {
    /** Secure mode: actors, posts and collections answer only signed GETs (the instance actor excepted). */
    authorizedFetch: boolean;
    /** Every remote call (fetch, WebFinger, delivery) is abandoned after this long. */
    timeoutMs: number;
    /** Largest inbound activity and largest fetched document, in bytes. */
    maxBodyBytes: number;
    /** Federation jobs (inbox, deliveries, fan-out) one worker process runs at once. */
    concurrency: number;
    /**
     * Inbound Likes, Announces and their Undos one worker applies in one transaction at most
     * (ADR 0057): that many more jobs are taken from the queue at once for them; 0 applies each alone.
     */
    inboxBatch: number;
    /**
     * Federation jobs waiting to run past which inbox POSTs are answered 503 with Retry-After
     * (senders retry; nothing is lost) until the workers catch up; 0 never refuses (ADR 0057).
     */
    inboxBacklog: number;
    /** Accounts a domain purge removes per transaction (each batch is one short transaction). */
    purgeBatch: number;
    /**
     * New votes on a local poll are sent to its audience (an Update of the Question) at most once
     * per this window; 0 sends one Update per vote.
     */
    pollUpdateDelayMs: number;
  };
  queuePrefix: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  accessTokenTtlSeconds: number;
  /**
   * How long a process may answer a bearer token from its memory of the session (ADR 0053): a
   * revocation by this installation's own operations reaches every process at once; a change made
   * around them (SQL by hand) shows within this bound. 0 looks every request up.
   */
  sessionCacheTtlSeconds: number;
  refreshTokenTtlDays: number;
  /** Behind a reverse proxy: trust X-Forwarded-For for the client address. */
  trustProxy: boolean;
  rateLimits: {
    /** Log-in attempts per client address per 5 minutes. */
    loginPerIp: number;
    /**
     * Failed log-ins per account from one client address per 15 minutes, after which that address
     * (not the account) is refused for the account until the window ends.
     */
    loginFailuresPerAccountAndIp: number;
    /** Failed log-ins per client address per hour, whatever accounts they name. */
    loginFailuresPerIp: number;
    /**
     * Failed log-ins per account per hour from all addresses together: a slow brake on guessing
     * spread over many addresses. Addresses the member signed in from before are not braked.
     */
    loginFailuresPerAccount: number;
    /** Sign-ups per client address per hour. */
    signUpPerIp: number;
    /** Media uploads per account per 10 minutes. */
    mediaUploadsPerAccount: number;
    /** Remote accounts looked up (WebFinger and actor fetch) per client address per minute. */
    remoteLookupsPerIp: number;
    /** Remote accounts looked up in one HTTP request (one GraphQL operation); the rest are refused. */
    remoteLookupsPerRequest: number;
  };
  /** Largest accepted upload, in bytes. */
  mediaMaxBytes: number;
  /** Where uploads are kept: under DATA_DIR/media, or in an S3-compatible bucket (ADR 0049). */
  mediaStorage: 'local' | 's3';
  /** The bucket's settings: set exactly when `mediaStorage` is 's3'. */
  s3: S3Settings | undefined;
  /** What the instance calls itself (Mastodon's instance API, NodeInfo). */
  instance: { name: string; description: string; contactEmail: string };
  /** Delivery of domain events from the outbox to their subscribers (docs/adr/0016). */
  events: {
    /** Tries per subscriber before the event is parked (dead-lettered) for a steward. */
    maxAttempts: number;
    /** The first retry's delay; each next one doubles (capped at an hour). */
    retryBaseMs: number;
    /** How long a dispatching process holds an event before another may take it over. */
    leaseMs: number;
    /** Test-only fault injection (NODE_ENV=test): stall this long after commit, before dispatch. */
    stallAfterCommitMs: number;
  };
  /** Secret values: never logged. Generated into DATA_DIR when not given. */
  jwtSecret: string | undefined;
  federationKeySecret: string | undefined;
  /** HMAC-SHA256 key of the cooperative's payment webhook; unset, the endpoint answers 404. */
  coopWebhookSecret: string | undefined;
  /**
   * The ISO 4217 currency the cooperative keeps its books in (COOP_CURRENCY): every amount in
   * the ledger is in its hundredths (cents), so only currencies with two minor digits are valid.
   */
  coopCurrency: string;
  /** Bearer token of `GET /metrics` (Prometheus); unset, the endpoint answers 404. */
  metricsToken: string | undefined;
  /** The worker process serves `/metrics` on this port when METRICS_TOKEN is set (it serves no other HTTP). */
  workerMetricsPort: number;
}

/** An S3-compatible bucket for media (AWS S3, MinIO, Cloudflare R2, Garage, s3rver…). */
export interface S3Settings {
  bucket: string;
  region: string;
  /** The service's URL for anything but AWS itself; unset, the SDK's AWS endpoint for the region. */
  endpoint: string | undefined;
  accessKeyId: string;
  /** Secret: never logged. */
  secretAccessKey: string;
  /** `<endpoint>/<bucket>/<key>` instead of `<bucket>.<endpoint>/<key>`: what most self-hosted servers need. */
  forcePathStyle: boolean;
  /** Put before every key: '' or segments ending in '/', e.g. 'guildhall/media/'. */
  prefix: string;
}

export type Env = Record<string, string | undefined>;

/** A bad environment variable: the message is one line that names it. */
export class ConfigValidationError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`Invalid environment variable ${variable}: ${reason}`);
    this.name = 'ConfigValidationError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const NODE_ENVS = ['development', 'production', 'test'] as const;

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigValidationError(name, `expected one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigValidationError(name, `expected an integer, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigValidationError(name, `expected an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigValidationError(name, `expected true or false, got "${env[name]}"`);
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    // The value may hold a password: never echo it back.
    throw new ConfigValidationError(name, 'not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigValidationError(name, `expected a ${protocols.join(' or ')} URL, got ${parsed.protocol}`);
  }
  return raw;
}

function origin(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigValidationError(name, `not a valid URL: "${raw}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigValidationError(name, `expected http or https, got ${parsed.protocol}`);
  }
  if (parsed.pathname !== '/' || parsed.search || parsed.hash || parsed.username) {
    throw new ConfigValidationError(name, `expected an origin such as https://example.org, got "${raw}"`);
  }
  // One canonical form (no trailing slash): ActivityPub ids are compared as strings.
  return parsed.origin;
}

/** Free text with a length bound (control characters refused). */
function text(env: Env, name: string, fallback: string, max: number): string {
  const value = env[name] ?? fallback;
  if (value.length > max) throw new ConfigValidationError(name, `must be at most ${max} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(value)) throw new ConfigValidationError(name, 'must not contain control characters');
  return value.trim();
}

/** A fault-injection knob for tests: refused outside NODE_ENV=test, so it can never reach production. */
function testOnly(env: Env, name: string): number {
  const value = integer(env, name, 0, 0, 600_000);
  if (value !== 0 && env.NODE_ENV !== 'test')
    throw new ConfigValidationError(name, 'is for tests only (NODE_ENV=test)');
  return value;
}

/** A value MEDIA_STORAGE=s3 cannot do without. */
function required(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new ConfigValidationError(name, 'is required when MEDIA_STORAGE=s3');
  return value;
}

/** S3_* settings, read only when MEDIA_STORAGE=s3 (otherwise they are ignored). */
function s3Settings(env: Env): S3Settings {
  const bucket = required(env, 'S3_BUCKET');
  // S3's naming rules, which MinIO, R2 and the others follow too.
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new ConfigValidationError(
      'S3_BUCKET',
      `expected 3-63 lower-case letters, digits, "." or "-", got "${bucket}"`,
    );
  }
  const region = env.S3_REGION || 'us-east-1';
  if (!/^[a-z0-9-]{1,40}$/.test(region)) {
    throw new ConfigValidationError('S3_REGION', `expected a region name such as us-east-1, got "${region}"`);
  }
  const endpoint = url(env, 'S3_ENDPOINT', ['http:', 'https:']);
  const accessKeyId = required(env, 'S3_ACCESS_KEY_ID');
  const secretAccessKey = required(env, 'S3_SECRET_ACCESS_KEY');
  const rawPrefix = (env.S3_PREFIX ?? '').replace(/^\/+|\/+$/g, '');
  if (rawPrefix && !/^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/.test(rawPrefix)) {
    throw new ConfigValidationError('S3_PREFIX', 'expected "/"-separated letters, digits, "_", "." or "-"');
  }
  if (rawPrefix.length > 200) throw new ConfigValidationError('S3_PREFIX', 'must be at most 200 characters');
  if (rawPrefix.split('/').some((segment) => /^\.+$/.test(segment))) {
    throw new ConfigValidationError('S3_PREFIX', 'must not contain "." or ".." segments');
  }
  return {
    bucket,
    region,
    endpoint,
    accessKeyId,
    secretAccessKey,
    // A custom endpoint is almost always a self-hosted server without per-bucket host names.
    forcePathStyle: boolean(env, 'S3_FORCE_PATH_STYLE', endpoint !== undefined),
    prefix: rawPrefix ? `${rawPrefix}/` : '',
  };
}

/** Parses and validates the environment. Throws ConfigValidationError on the first bad value. */
export function parseConfig(env: Env, cwd: string = process.cwd()): GuildhallConfig {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const dataDirRaw = env.DATA_DIR || './data';
  const jwtSecret = env.JWT_SECRET || undefined;
  if (jwtSecret !== undefined && jwtSecret.length < 32) {
    throw new ConfigValidationError('JWT_SECRET', 'must be at least 32 characters');
  }
  const federationKeySecret = env.FEDERATION_KEY_SECRET || undefined;
  if (federationKeySecret !== undefined && federationKeySecret.length < 32) {
    throw new ConfigValidationError('FEDERATION_KEY_SECRET', 'must be at least 32 characters');
  }
  const coopWebhookSecret = env.COOP_WEBHOOK_SECRET || undefined;
  if (coopWebhookSecret !== undefined && coopWebhookSecret.length < 32) {
    throw new ConfigValidationError('COOP_WEBHOOK_SECRET', 'must be at least 32 characters');
  }
  const coopCurrency = env.COOP_CURRENCY || 'EUR';
  if (!isCentsCurrency(coopCurrency)) {
    throw new ConfigValidationError('COOP_CURRENCY', 'must be an ISO 4217 code with two minor digits, e.g. EUR or USD');
  }
  const metricsToken = env.METRICS_TOKEN || undefined;
  if (metricsToken !== undefined && !/^[\x21-\x7e]{16,512}$/.test(metricsToken)) {
    throw new ConfigValidationError('METRICS_TOKEN', 'expected 16-512 printable characters without spaces');
  }
  const queuePrefix = env.QUEUE_PREFIX || 'guildhall';
  if (!/^[a-zA-Z0-9_-]{1,40}$/.test(queuePrefix)) {
    throw new ConfigValidationError('QUEUE_PREFIX', 'expected 1-40 letters, digits, "_" or "-"');
  }
  const mediaStorage = oneOf(env, 'MEDIA_STORAGE', ['local', 's3'] as const, 'local');
  return {
    nodeEnv: oneOf(env, 'NODE_ENV', NODE_ENVS, 'development'),
    port,
    host: env.HOST || '0.0.0.0',
    publicOrigin: origin(env, 'PUBLIC_ORIGIN', `http://localhost:${port}`),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    dataDir: isAbsolute(dataDirRaw) ? dataDirRaw : resolve(cwd, dataDirRaw),
    embeddedPostgresPort: integer(env, 'EMBEDDED_POSTGRES_PORT', 54329, 1, 65535),
    postgresBinDir: env.POSTGRES_BIN_DIR ? resolve(cwd, env.POSTGRES_BIN_DIR) : undefined,
    federationAllowPrivateAddresses: boolean(env, 'FEDERATION_ALLOW_PRIVATE_ADDRESSES', false),
    federation: {
      authorizedFetch: boolean(env, 'FEDERATION_AUTHORIZED_FETCH', false),
      timeoutMs: integer(env, 'FEDERATION_TIMEOUT_MS', 10_000, 100, 300_000),
      maxBodyBytes: integer(env, 'FEDERATION_MAX_BODY_BYTES', 1_048_576, 1024, 64 * 1024 * 1024),
      concurrency: integer(env, 'FEDERATION_CONCURRENCY', 32, 1, 1000),
      inboxBatch: integer(env, 'FEDERATION_INBOX_BATCH', 128, 0, 1000),
      inboxBacklog: integer(env, 'FEDERATION_INBOX_BACKLOG', 20_000, 0, 10_000_000),
      purgeBatch: integer(env, 'FEDERATION_PURGE_BATCH', 200, 1, 10_000),
      pollUpdateDelayMs: integer(env, 'FEDERATION_POLL_UPDATE_DELAY_MS', 60_000, 0, 3_600_000),
    },
    queuePrefix,
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    accessTokenTtlSeconds: integer(env, 'ACCESS_TOKEN_TTL_SECONDS', 900, 60, 86400),
    sessionCacheTtlSeconds: integer(env, 'SESSION_CACHE_TTL_SECONDS', 5, 0, 60),
    refreshTokenTtlDays: integer(env, 'REFRESH_TOKEN_TTL_DAYS', 30, 1, 365),
    trustProxy: boolean(env, 'TRUST_PROXY', false),
    rateLimits: {
      loginPerIp: integer(env, 'RATE_LIMIT_LOGIN_PER_IP', 30, 1, 1_000_000),
      loginFailuresPerAccountAndIp: integer(env, 'RATE_LIMIT_LOGIN_FAILURES', 10, 1, 1_000_000),
      loginFailuresPerIp: integer(env, 'RATE_LIMIT_LOGIN_FAILURES_PER_IP', 50, 1, 1_000_000),
      loginFailuresPerAccount: integer(env, 'RATE_LIMIT_LOGIN_ACCOUNT_BRAKE', 100, 1, 1_000_000),
      signUpPerIp: integer(env, 'RATE_LIMIT_SIGNUP_PER_IP', 10, 1, 1_000_000),
      mediaUploadsPerAccount: integer(env, 'RATE_LIMIT_MEDIA_UPLOADS', 60, 1, 1_000_000),
      remoteLookupsPerIp: integer(env, 'RATE_LIMIT_REMOTE_LOOKUPS', 30, 1, 1_000_000),
      remoteLookupsPerRequest: integer(env, 'REMOTE_LOOKUPS_PER_REQUEST', 3, 1, 100),
    },
    // The byte_size column is a 32-bit integer; 1 GiB is far above any sensible image.
    mediaMaxBytes: integer(env, 'MEDIA_MAX_BYTES', 10 * 1024 * 1024, 1, 1024 * 1024 * 1024),
    mediaStorage,
    s3: mediaStorage === 's3' ? s3Settings(env) : undefined,
    instance: {
      name: text(env, 'INSTANCE_NAME', 'Guildhall', 100),
      description: text(env, 'INSTANCE_DESCRIPTION', 'A creator platform its members own.', 2000),
      contactEmail: text(env, 'INSTANCE_CONTACT_EMAIL', '', 320),
    },
    events: {
      maxAttempts: integer(env, 'EVENTS_MAX_ATTEMPTS', 10, 1, 100),
      retryBaseMs: integer(env, 'EVENTS_RETRY_BASE_MS', 1_000, 10, 3_600_000),
      leaseMs: integer(env, 'EVENTS_LEASE_MS', 10_000, 500, 3_600_000),
      stallAfterCommitMs: testOnly(env, 'TEST_EVENTS_STALL_AFTER_COMMIT_MS'),
    },
    jwtSecret,
    federationKeySecret,
    coopWebhookSecret,
    coopCurrency,
    metricsToken,
    workerMetricsPort: integer(env, 'WORKER_METRICS_PORT', 9464, 0, 65535),
  };
}

/** An ISO 4217 code Intl knows whose amounts have two minor digits (the ledger's cents). */
function isCentsCurrency(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  try {
    const options = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions();
    return options.maximumFractionDigits === 2 && Intl.supportedValuesOf('currency').includes(code);
  } catch {
    return false;
  }
}
