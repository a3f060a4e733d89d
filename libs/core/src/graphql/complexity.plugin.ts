// Nest's Apollo driver is ESM: take the plugin type from @apollo/server's ESM declarations.
import type { ApolloServerPlugin } from '@apollo/server' with { 'resolution-mode': 'import' };
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';

/**
 * Refuses operations whose estimated cost exceeds `maxComplexity`. Fields declare their cost with
 * `@Field({ complexity })`; lists multiply by their `first` argument in their own estimators.
 */
export function complexityPlugin(getSchema: () => GraphQLSchema, maxComplexity: number): ApolloServerPlugin {
  return {
    requestDidStart() {
      return Promise.resolve({
        didResolveOperation({ request, document }) {
          let complexity: number;
          try {
            complexity = getComplexity({
              schema: getSchema(),
              operationName: request.operationName,
              query: document,
              variables: request.variables,
              estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
            });
          } catch (error) {
            // Invalid variables: execution reports them as BAD_USER_INPUT right after this.
            if (error instanceof GraphQLError) return Promise.resolve();
            throw error;
          }
          if (complexity > maxComplexity) {
            return Promise.reject(
              new GraphQLError(`Query complexity ${complexity} exceeds the maximum of ${maxComplexity}`, {
                extensions: { code: 'GRAPHQL_VALIDATION_FAILED', complexity, maxComplexity },
              }),
            );
          }
          return Promise.resolve();
        },
      });
    },
  };
}
