import { ConfigValidationError, parseConfig } from './config.schema';

describe('parseConfig', () => {
  it('applies the documented defaults', () => {
    const config = parseConfig({}, '/srv/guildhall');
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 3000,
      publicOrigin: 'http://localhost:3000',
      databaseUrl: undefined,
      redisUrl: undefined,
      dataDir: '/srv/guildhall/data',
      federationAllowPrivateAddresses: false,
      queuePrefix: 'guildhall',
      accessTokenTtlSeconds: 900,
      rateLimits: {
        loginPerIp: 30,
        loginFailuresPerAccountAndIp: 10,
        loginFailuresPerIp: 50,
        loginFailuresPerAccount: 100,
        signUpPerIp: 10,
        mediaUploadsPerAccount: 60,
      },
      mediaMaxBytes: 10_485_760,
    });
  });

  it('reads the event delivery settings, and refuses the test-only stall outside NODE_ENV=test', () => {
    expect(parseConfig({}).events).toEqual({
      maxAttempts: 10,
      retryBaseMs: 1000,
      leaseMs: 10_000,
      stallAfterCommitMs: 0,
    });
    const tuned = parseConfig({ EVENTS_MAX_ATTEMPTS: '3', EVENTS_RETRY_BASE_MS: '50', EVENTS_LEASE_MS: '2000' });
    expect(tuned.events).toMatchObject({ maxAttempts: 3, retryBaseMs: 50, leaseMs: 2000 });
    expect(parseConfig({ NODE_ENV: 'test', TEST_EVENTS_STALL_AFTER_COMMIT_MS: '5000' }).events.stallAfterCommitMs).toBe(
      5000,
    );
    expect(() => parseConfig({ NODE_ENV: 'production', TEST_EVENTS_STALL_AFTER_COMMIT_MS: '5000' })).toThrow(
      'Invalid environment variable TEST_EVENTS_STALL_AFTER_COMMIT_MS: is for tests only (NODE_ENV=test)',
    );
  });

  it('derives PUBLIC_ORIGIN from PORT and canonicalises a given origin', () => {
    expect(parseConfig({ PORT: '8080' }).publicOrigin).toBe('http://localhost:8080');
    expect(parseConfig({ PUBLIC_ORIGIN: 'https://Example.ORG/' }).publicOrigin).toBe('https://example.org');
    expect(parseConfig({ PUBLIC_ORIGIN: 'https://example.org:8443' }).publicOrigin).toBe('https://example.org:8443');
  });

  it.each([
    ['PORT', 'eighty', 'Invalid environment variable PORT: expected an integer, got "eighty"'],
    ['PORT', '70000', 'Invalid environment variable PORT: expected an integer from 0 to 65535, got 70000'],
    ['PUBLIC_ORIGIN', 'https://example.org/path', 'Invalid environment variable PUBLIC_ORIGIN: expected an origin'],
    ['PUBLIC_ORIGIN', 'ftp://example.org', 'Invalid environment variable PUBLIC_ORIGIN: expected http or https'],
    [
      'DATABASE_URL',
      'mysql://x@y/z',
      'Invalid environment variable DATABASE_URL: expected a postgres: or postgresql: URL',
    ],
    ['REDIS_URL', 'not a url', 'Invalid environment variable REDIS_URL: not a valid URL'],
    ['FEDERATION_ALLOW_PRIVATE_ADDRESSES', 'maybe', 'Invalid environment variable FEDERATION_ALLOW_PRIVATE_ADDRESSES'],
    ['NODE_ENV', 'staging', 'Invalid environment variable NODE_ENV: expected one of development, production, test'],
    ['JWT_SECRET', 'short', 'Invalid environment variable JWT_SECRET: must be at least 32 characters'],
    [
      'FEDERATION_KEY_SECRET',
      'short',
      'Invalid environment variable FEDERATION_KEY_SECRET: must be at least 32 characters',
    ],
    ['LOG_LEVEL', 'loud', 'Invalid environment variable LOG_LEVEL'],
    ['MEDIA_MAX_BYTES', '10MB', 'Invalid environment variable MEDIA_MAX_BYTES: expected an integer, got "10MB"'],
    [
      'MEDIA_MAX_BYTES',
      '0',
      'Invalid environment variable MEDIA_MAX_BYTES: expected an integer from 1 to 1073741824, got 0',
    ],
    ['RATE_LIMIT_MEDIA_UPLOADS', '-1', 'Invalid environment variable RATE_LIMIT_MEDIA_UPLOADS'],
  ])('refuses %s=%s with one line naming it', (name, value, message) => {
    let error: unknown;
    try {
      parseConfig({ [name]: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).variable).toBe(name);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('never echoes a malformed DATABASE_URL, which may hold a password', () => {
    expect(() => parseConfig({ DATABASE_URL: 'postgres://u:s3cret@[bad' })).toThrow(
      'Invalid environment variable DATABASE_URL: not a valid URL',
    );
  });

  it('reads booleans in the usual spellings', () => {
    expect(parseConfig({ FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'TRUE' }).federationAllowPrivateAddresses).toBe(true);
    expect(parseConfig({ FEDERATION_ALLOW_PRIVATE_ADDRESSES: '0' }).federationAllowPrivateAddresses).toBe(false);
  });

  it('reads the media limits', () => {
    const config = parseConfig({ MEDIA_MAX_BYTES: '2048', RATE_LIMIT_MEDIA_UPLOADS: '5' });
    expect(config.mediaMaxBytes).toBe(2048);
    expect(config.rateLimits.mediaUploadsPerAccount).toBe(5);
  });

  it('reads METRICS_TOKEN (unset: /metrics is off) and refuses a short or spaced one', () => {
    expect(parseConfig({}).metricsToken).toBeUndefined();
    expect(parseConfig({}).workerMetricsPort).toBe(9464);
    expect(parseConfig({ METRICS_TOKEN: 'a-long-enough-token', WORKER_METRICS_PORT: '9100' })).toMatchObject({
      metricsToken: 'a-long-enough-token',
      workerMetricsPort: 9100,
    });
    for (const token of ['short', 'has a space in the middle']) {
      expect(() => parseConfig({ METRICS_TOKEN: token })).toThrow(
        'Invalid environment variable METRICS_TOKEN: expected 16-512 printable characters without spaces',
      );
    }
  });
});
