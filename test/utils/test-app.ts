import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { startRuntime, type Env, type Runtime } from '@guildhall/core';
import { createServer } from '../../apps/server/src/http/create-server';

export interface TestApp {
  app: NestFastifyApplication;
  runtime: Runtime;
  /** POSTs a GraphQL operation; resolves to the parsed body. */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<{ data?: T; errors?: GraphqlError[]; status: number }>;
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

export interface GraphqlError {
  message: string;
  extensions: { code: string; reason?: string; [key: string]: unknown };
}

/**
 * This test file's queues (jest loads this module once per file), under the run's prefix that the
 * global teardown clears: a job an earlier file's app left active (its lock lives on for BullMQ's
 * lock duration, 30 s) is not this file's to wait for in `drained`.
 */
const FILE_QUEUE_PREFIX = `${process.env.TEST_QUEUE_PREFIX}-${randomBytes(3).toString('hex')}`;

/** The environment a test process gets: this run's database and Redis, a scratch DATA_DIR. */
export function testEnv(overrides: Env = {}): Env {
  return {
    DATABASE_URL: process.env.TEST_DATABASE_URL,
    REDIS_URL: process.env.TEST_REDIS_URL,
    QUEUE_PREFIX: FILE_QUEUE_PREFIX,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    PORT: '0',
    PUBLIC_ORIGIN: 'http://guildhall.test',
    // Passport keeps strategies process-wide: every test app must agree on the secret.
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    // Apps share the run's database: the instance actor's key, sealed by the first app, must open in the others.
    FEDERATION_KEY_SECRET: 'test-federation-key-secret-0123456789abcdef',
    RATE_LIMIT_LOGIN_PER_IP: '100000',
    RATE_LIMIT_SIGNUP_PER_IP: '100000',
    RATE_LIMIT_REMOTE_LOOKUPS: '100000',
    // Every suite logs in from 127.0.0.1 against one run's counters.
    RATE_LIMIT_LOGIN_FAILURES_PER_IP: '100000',
    // Suites change roles and suspensions by hand in SQL, which the identity lib's own operations
    // would evict from the session cache (ADR 0053); test/session-cache.e2e-spec.ts sets its own TTL.
    SESSION_CACHE_TTL_SECONDS: '0',
    ...overrides,
  };
}

/** Boots the real server (HTTP + GraphQL + the real database and queues) in this process. */
export async function createTestApp(overrides: Env = {}, options = { withWorker: false }): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'guildhall-test-'));
  const runtime = await startRuntime(testEnv({ DATA_DIR: dataDir, ...overrides }));
  const app = await createServer(runtime, options);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const http = () => request(app.getHttpServer());
  return {
    app,
    runtime,
    http,
    async gql(query, variables, token) {
      const req = http().post('/graphql').set('content-type', 'application/json');
      if (token) req.set('authorization', `Bearer ${token}`);
      const res = await req.send({ query, variables });
      return { ...(res.body as object), status: res.status };
    },
    async close() {
      await app.close();
      await runtime.shutdown();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A free loopback port (released again: the caller binds it right after). */
async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * A test app listening on loopback with PUBLIC_ORIGIN equal to its own URL, so ActivityPub ids,
 * WebFinger handles and the URLs a test fetches are one and the same (`origin`, e.g.
 * http://127.0.0.1:41234). Use it for federation tests; `http()` still works.
 */
export async function createListeningTestApp(
  overrides: Env = {},
  options = { withWorker: false },
): Promise<TestApp & { origin: string }> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const t = await createTestApp({ PUBLIC_ORIGIN: origin, ...overrides }, options);
  await t.app.listen(port, '127.0.0.1');
  return { ...t, origin };
}

let counter = 0;
/** A unique, valid username for this run. */
export function uniqueName(prefix = 'u'): string {
  counter += 1;
  return `${prefix}_${process.pid.toString(36)}_${counter}_${Math.random().toString(36).slice(2, 6)}`.slice(0, 30);
}
