import type { ApolloDriverConfig } from '@nestjs/apollo';
import type { GraphQLSchema } from 'graphql';
import { complexityPlugin, depthLimitRule, formatGraphqlError, type LoaderFactories } from '@guildhall/core';

export const MAX_QUERY_DEPTH = 10;
export const MAX_QUERY_COMPLEXITY = 1000;

export function graphqlOptions(loaders: LoaderFactories): Omit<ApolloDriverConfig, 'driver'> {
  let schema: GraphQLSchema | undefined;
  return {
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    playground: false,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    validationRules: [depthLimitRule(MAX_QUERY_DEPTH)],
    formatError: formatGraphqlError,
    transformSchema: (built: GraphQLSchema) => {
      schema = built;
      return built;
    },
    plugins: [
      complexityPlugin(() => {
        if (!schema) throw new Error('GraphQL schema not built yet');
        return schema;
      }, MAX_QUERY_COMPLEXITY),
    ],
    // One set of DataLoaders per request, made lazily (see RequestLoaders).
    context: ({ req }: { req: { user?: { accountId: string } } }) => ({ req, loaders: loaders.forRequest(req) }),
  };
}
