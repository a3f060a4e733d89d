import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import multipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  DomainHttpExceptionFilter,
  Metrics,
  MetricsEndpoint,
  nulInputHook,
  PinoNestLogger,
  requestContext,
  UNMATCHED_ROUTE,
  UnexpectedErrorFilter,
  type Runtime,
} from '@guildhall/core';
import { withoutMediaSecret } from '@guildhall/content';
import { federationRoute, FederationHttpHandler } from '@guildhall/federation';
import { parseFormBody } from '@guildhall/mastodon-api';
import { AppModule } from '../app.module';
import { MAX_RESPONSE_BYTES } from '../graphql/graphql.limits';
import { graphqlResponseLimit } from '../graphql/response-limit.hook';
import { InputValidationPipe } from './input-validation.pipe';

const METRICS_PATH = '/metrics';
const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Builds the HTTP application (not yet listening): shared by main.ts and the e2e tests. */
export async function createServer(
  runtime: Runtime,
  options: { withWorker: boolean },
): Promise<NestFastifyApplication> {
  const { config, logger } = runtime;
  const adapter = new FastifyAdapter({
    trustProxy: config.values.trustProxy,
    bodyLimit: 1_048_576,
    // Keep a well-formed id from a proxy, so one id follows a request across services.
    genReqId: (request: IncomingMessage) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot({ runtime, ...options }), adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
    // The cooperative's payment webhook signs its raw JSON body (request.rawBody).
    rawBody: true,
  });
  // Uploads (POST /api/v1/media) are the only multipart route: one file of at most
  // MEDIA_MAX_BYTES and a few short fields (an image description is at most 1500 characters).
  await app.register(multipart, {
    limits: { fileSize: config.values.mediaMaxBytes, files: 1, fields: 4, fieldSize: 16_384, parts: 5 },
  });
  // Mastodon clients post forms (`POST /api/v1/apps`, `/oauth/token`, statuses…), read as Rails
  // reads them (`name[]` arrays, `poll[options][]`).
  app.useBodyParser('application/x-www-form-urlencoded', { bodyLimit: 1_048_576 }, (_request, body, done) =>
    done(null, parseFormBody(body.toString('utf8'))),
  );
  // Nest tries global filters last-registered first: module exceptions, then anything unexpected.
  app.useGlobalFilters(new UnexpectedErrorFilter(app.getHttpAdapter()), new DomainHttpExceptionFilter());
  app.useGlobalPipes(
    new InputValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, stopAtFirstError: false }),
  );

  const fastify = app.getHttpAdapter().getInstance();
  const metrics = app.get(Metrics);
  /** Requests Fedify's handler answered (before routing to Nest): their route pattern, for metrics. */
  const federationRoutes = new WeakMap<object, string>();
  // Prometheus scrapes, outside Nest: its bearer token is not an account's, so the AuthGuard
  // must not see it. 404 unless METRICS_TOKEN is set.
  const endpoint = app.get(MetricsEndpoint);
  fastify.get(METRICS_PATH, async (request, reply) => {
    const header = request.headers.authorization;
    const answer = await endpoint.answer(typeof header === 'string' ? header : undefined);
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    requestContext.run({ requestId: request.id, clientIp: request.ip }, done);
  });
  // ActivityPub, WebFinger and NodeInfo (Fedify) answer before body parsing and routing; what
  // they decline (a browser asking for /users/alice, an unknown path) continues to Nest.
  const federation = app.get(FederationHttpHandler);
  fastify.addHook('onRequest', async (request, reply) => {
    const response = await federation.handle(request.raw);
    if (!response) return;
    federationRoutes.set(request, federationRoute(request.url.split('?')[0]));
    void reply.code(response.status);
    if (!(response instanceof Response)) return reply.headers(response.headers).send(response.body);
    response.headers.forEach((value, name) => void reply.header(name, value));
    const body = request.method === 'HEAD' ? null : Buffer.from(await response.arrayBuffer());
    return reply.send(body);
  });
  fastify.addHook('preHandler', nulInputHook('/graphql'));
  fastify.addHook('onSend', graphqlResponseLimit('/graphql', MAX_RESPONSE_BYTES));
  fastify.addHook('onResponse', (request, reply, done) => {
    // The line is built only when it can be logged: at info or debug (LOG_LEVEL=warn logs neither).
    if (logger.isLevelEnabled('info')) {
      const line = {
        msg: 'request',
        requestId: request.id,
        method: request.method,
        // A capability URL's secret is a credential: not logged (ADR 0025).
        path: withoutMediaSecret(request.url.split('?')[0]),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      };
      // Probes and scrapes come every few seconds: not worth an info line each.
      if (line.path === '/health' || line.path === METRICS_PATH) logger.debug(line);
      else logger.info(line);
    }
    // The route pattern, never the URL: anyone chooses URLs, and each would be a new series.
    const route = federationRoutes.get(request) ?? request.routeOptions.url ?? UNMATCHED_ROUTE;
    if (route !== METRICS_PATH) {
      metrics.observeHttpRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    }
    done();
  });
  return app;
}
