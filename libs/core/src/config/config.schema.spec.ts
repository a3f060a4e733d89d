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
      sessionCacheTtlSeconds: 5,
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

  it("keeps the co-op's books in COOP_CURRENCY: EUR by default, a two-decimal ISO 4217 code", () => {
    expect(parseConfig({}).coopCurrency).toBe('EUR');
    expect(parseConfig({ COOP_CURRENCY: 'USD' }).coopCurrency).toBe('USD');
    for (const refused of ['usd', 'JPY', 'KWD', 'XYZ', 'EURO']) {
      expect(() => parseConfig({ COOP_CURRENCY: refused })).toThrow(
        'Invalid environment variable COOP_CURRENCY: must be an ISO 4217 code with two minor digits, e.g. EUR or USD',
      );
    }
  });

  describe('media storage', () => {
    const S3 = {
      MEDIA_STORAGE: 's3',
      S3_BUCKET: 'guildhall-media',
      S3_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      S3_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG',
    };

    it('keeps media on the local disk by default, ignoring S3 settings', () => {
      const config = parseConfig({ S3_BUCKET: 'unused' });
      expect(config.mediaStorage).toBe('local');
      expect(config.s3).toBeUndefined();
    });

    it('reads the S3 settings with their defaults: AWS region us-east-1, virtual-host style without an endpoint', () => {
      expect(parseConfig(S3).s3).toEqual({
        bucket: 'guildhall-media',
        region: 'us-east-1',
        endpoint: undefined,
        accessKeyId: 'AKIDEXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG',
        forcePathStyle: false,
        prefix: '',
      });
    });

    it('defaults to path-style requests when S3_ENDPOINT is set, and normalises the prefix to end in one "/"', () => {
      const config = parseConfig({
        ...S3,
        S3_ENDPOINT: 'http://minio:9000',
        S3_REGION: 'eu-west-3',
        S3_PREFIX: '/guildhall/media',
      });
      expect(config.s3).toMatchObject({
        endpoint: 'http://minio:9000',
        region: 'eu-west-3',
        forcePathStyle: true,
        prefix: 'guildhall/media/',
      });
      expect(
        parseConfig({ ...S3, S3_ENDPOINT: 'https://r2.example', S3_FORCE_PATH_STYLE: 'false' }).s3?.forcePathStyle,
      ).toBe(false);
    });

    it.each([
      [{ S3_BUCKET: '' }, 'S3_BUCKET', 'Invalid environment variable S3_BUCKET: is required when MEDIA_STORAGE=s3'],
      [{ S3_ACCESS_KEY_ID: undefined }, 'S3_ACCESS_KEY_ID', 'S3_ACCESS_KEY_ID: is required when MEDIA_STORAGE=s3'],
      [{ S3_SECRET_ACCESS_KEY: '' }, 'S3_SECRET_ACCESS_KEY', 'S3_SECRET_ACCESS_KEY: is required when MEDIA_STORAGE=s3'],
      [{ S3_BUCKET: 'My_Bucket' }, 'S3_BUCKET', 'S3_BUCKET: expected 3-63 lower-case letters'],
      [{ S3_ENDPOINT: 'minio:9000' }, 'S3_ENDPOINT', 'S3_ENDPOINT: expected a http: or https: URL, got minio:'],
      [{ S3_ENDPOINT: 'ftp://minio' }, 'S3_ENDPOINT', 'S3_ENDPOINT: expected a http: or https: URL, got ftp:'],
      [{ S3_REGION: 'EU West' }, 'S3_REGION', 'S3_REGION: expected a region name'],
      [{ S3_FORCE_PATH_STYLE: 'sometimes' }, 'S3_FORCE_PATH_STYLE', 'S3_FORCE_PATH_STYLE: expected true or false'],
      [{ S3_PREFIX: 'media/../secrets' }, 'S3_PREFIX', 'S3_PREFIX: must not contain "." or ".." segments'],
      [{ S3_PREFIX: 'a//b' }, 'S3_PREFIX', 'S3_PREFIX: expected "/"-separated letters'],
      [{ MEDIA_STORAGE: 'gcs' }, 'MEDIA_STORAGE', 'MEDIA_STORAGE: expected one of local, s3, got "gcs"'],
    ])('refuses MEDIA_STORAGE=s3 with %p, naming %s', (change, name, message) => {
      let error: unknown;
      try {
        parseConfig({ ...S3, ...change });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigValidationError);
      expect((error as ConfigValidationError).variable).toBe(name);
      expect((error as Error).message).toContain(message);
    });
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
