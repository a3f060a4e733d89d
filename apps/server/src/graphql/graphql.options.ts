import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { ApolloDriverConfig } from '@nestjs/apollo';
import type { ModuleRef } from '@nestjs/core';
import type { GraphQLSchema } from 'graphql';
import {
  compiledExecutionGateway,
  type ExecutorGateway,
  complexityPlugin,
  depthLimitRule,
  fieldLimitRule,
  formatGraphqlError,
  graphqlMetricsPlugin,
  inputTextPlugin,
  type LoaderFactories,
  type Metrics,
} from '@guildhall/core';
import { resolvePostFieldsDirectly } from '@guildhall/content';
import type { AuthService } from '@guildhall/identity';
import { MAX_QUERY_COMPLEXITY, MAX_QUERY_DEPTH, MAX_QUERY_FIELDS, MAX_QUERY_TOKENS } from './graphql.limits';
import { subscriptionOptions, type GraphqlRequest } from './subscriptions.options';

/** Nest's Apollo options, plus the `gateway` Nest passes through to Apollo Server untyped. */
type GraphqlOptions = Omit<ApolloDriverConfig, 'driver'> & { gateway: ExecutorGateway };

export function graphqlOptions(
  loaders: LoaderFactories,
  metrics: Metrics,
  auth: AuthService,
  modules: ModuleRef,
): GraphqlOptions {
  let schema: GraphQLSchema | undefined;
  const getSchema = () => {
    if (!schema) throw new Error('GraphQL schema not built yet');
    return schema;
  };
  return {
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    playground: false,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    // A document is bounded before its cost is estimated: tokens while parsing, then fields and depth.
    parseOptions: { maxTokens: MAX_QUERY_TOKENS },
    validationRules: [fieldLimitRule(MAX_QUERY_FIELDS), depthLimitRule(MAX_QUERY_DEPTH)],
    formatError: formatGraphqlError,
    transformSchema: (built: GraphQLSchema) => {
      resolvePostFieldsDirectly(built, modules);
      schema = built;
      return built;
    },
    // Cache-control hints would hook every field of every response; we set no HTTP cache headers.
    plugins: [
      // Timing every operation only pays when /metrics serves it (METRICS_TOKEN).
      ...(metrics.recordsRequests ? [graphqlMetricsPlugin(metrics)] : []),
      inputTextPlugin(),
      complexityPlugin(getSchema, MAX_QUERY_COMPLEXITY),
      ApolloServerPluginCacheControlDisabled() as never,
    ],
    // Fastify's request is `req`: the AuthGuard sets `user` on it, which the loaders read.
    // One set of DataLoaders per request, made lazily (see RequestLoaders).
    context: (request: GraphqlRequest) => ({ req: request, loaders: loaders.forRequest(request) }),
    subscriptions: { 'graphql-ws': subscriptionOptions(loaders, auth, getSchema) },
    // Repeated queries run compiled (graphql-jit) through Apollo's executor hook (ADR 0053);
    // Apollo then serves the schema the gateway hands it, which is the one Nest built.
    gateway: compiledExecutionGateway(getSchema),
  };
}
