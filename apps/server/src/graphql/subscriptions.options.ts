// graphql-ws subscriptions: authentication, validation and limits for operations over WebSocket.
import { Logger } from '@nestjs/common';
import type { GraphQLWsSubscriptionsConfig } from '@nestjs/graphql';
import {
  getOperationAST,
  GraphQLError,
  OperationTypeNode,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import type { Context as WsContext, ServerOptions as WsServerOptions } from 'graphql-ws';
import type { Extra as WsExtra } from 'graphql-ws/use/ws';
import {
  complexityRefusal,
  depthLimitRule,
  fieldLimitRule,
  formatGraphqlError,
  nulInputRefusal,
  type LoaderFactories,
} from '@guildhall/core';
import type { AuthContext, AuthService } from '@guildhall/identity';

import { MAX_QUERY_COMPLEXITY, MAX_QUERY_DEPTH, MAX_QUERY_FIELDS, MAX_QUERY_TOKENS } from './graphql.limits';

const logger = new Logger('GraphQLSubscriptions');

/** What resolvers, the AuthGuard and the loaders read as `req`, over HTTP and over WebSocket alike. */
export interface GraphqlRequest {
  headers: Record<string, string | string[] | undefined>;
  ip?: string;
  user?: AuthContext;
}

type ConnectionParams = Record<string, unknown> | undefined;
type SocketContext = WsContext<ConnectionParams, WsExtra>;

/** The "Bearer …" value a graphql-ws client sends as `connectionParams.authorization`. */
function authorizationOf(params: ConnectionParams): string | undefined {
  const value = params?.authorization ?? params?.Authorization;
  return typeof value === 'string' && value.length <= 4096 ? value : undefined;
}

/**
 * Checks a bearer token exactly as an HTTP request is checked: AuthService.authenticateBearer,
 * the AuthGuard's one decision (a first-party JWT with a live session, or a member's app token).
 */
async function authenticate(auth: AuthService, authorization: string): Promise<AuthContext | null> {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
  if (!token) return null;
  try {
    const found = await auth.authenticateBearer(token);
    return 'user' in found ? found.user : null;
  } catch {
    return null;
  }
}

function socketRequest(ctx: SocketContext): GraphqlRequest {
  return {
    headers: { authorization: authorizationOf(ctx.connectionParams) },
    ip: ctx.extra.request.socket.remoteAddress,
  };
}

/** A refusal as a socket client sees it: the HTTP status Apollo reads means nothing here. */
function withoutHttpStatus(error: GraphQLError): GraphQLError {
  const { http: _http, ...extensions } = error.extensions;
  void _http;
  return new GraphQLError(error.message, { nodes: error.nodes, extensions });
}

/**
 * Validates an operation sent over the socket the way Apollo validates one sent over HTTP (depth
 * and complexity limits included), and refuses anything but a subscription: queries and mutations
 * go over HTTP, where CSRF prevention, rate limits and client addresses apply.
 */
function prepareOperation(schema: GraphQLSchema, query: string, operationName?: string | null, variables?: unknown) {
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens: MAX_QUERY_TOKENS });
  } catch (error) {
    return [error instanceof GraphQLError ? error : new GraphQLError('Could not parse the operation')];
  }
  const errors = validate(schema, document, [
    ...specifiedRules,
    fieldLimitRule(MAX_QUERY_FIELDS),
    depthLimitRule(MAX_QUERY_DEPTH),
  ]);
  if (errors.length) return errors;
  const operation = getOperationAST(document, operationName);
  if (operation?.operation !== OperationTypeNode.SUBSCRIPTION) {
    return [
      new GraphQLError('Only subscriptions are served over WebSocket; send queries and mutations over HTTP', {
        extensions: { code: 'BAD_REQUEST' },
      }),
    ];
  }
  const variableValues = (variables ?? {}) as Record<string, unknown>;
  const refusal =
    nulInputRefusal(document, variableValues) ??
    complexityRefusal(schema, document, operationName, variableValues, MAX_QUERY_COMPLEXITY);
  if (refusal) return [withoutHttpStatus(refusal)];
  return { schema, document, operationName, variableValues };
}

/**
 * graphql-ws on the HTTP server's upgrade event, at /graphql. A connection is accepted only with a
 * valid token in `connectionParams.authorization` (else closed with 4403); every operation then
 * runs with a `req` carrying that header, so the global AuthGuard checks it again per operation.
 */
export function subscriptionOptions(
  loaders: LoaderFactories,
  auth: AuthService,
  getSchema: () => GraphQLSchema,
): GraphQLWsSubscriptionsConfig {
  type Hooks = Pick<WsServerOptions<ConnectionParams, WsExtra>, 'onConnect' | 'onSubscribe' | 'onNext' | 'context'>;
  const options: Hooks & { path: string } = {
    path: '/graphql',
    onConnect: async (ctx: SocketContext) => {
      const authorization = authorizationOf(ctx.connectionParams);
      const user = authorization ? await authenticate(auth, authorization) : null;
      if (!user) logger.warn({ msg: 'refused a WebSocket connection', ip: ctx.extra.request.socket.remoteAddress });
      return user !== null;
    },
    onSubscribe: (_ctx, _id, payload) =>
      prepareOperation(getSchema(), payload.query, payload.operationName, payload.variables),
    // Errors reach socket clients through the same formatter as HTTP clients (codes, no internals).
    onNext: (_ctx, _id, _payload, _args, result) =>
      result.errors
        ? { ...result, errors: result.errors.map((error) => formatGraphqlError(error.toJSON(), error)) }
        : undefined,
    // Replaces the HTTP context for socket operations (GqlSubscriptionService spreads these last).
    context: (ctx: SocketContext) => {
      const req = socketRequest(ctx);
      return { req, loaders: loaders.forRequest(req) };
    },
  };
  // Nest types these hooks without graphql-ws/use/ws's `extra`, which its server always passes.
  return options as GraphQLWsSubscriptionsConfig;
}
