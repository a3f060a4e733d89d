// Nest's Apollo driver is ESM: take the plugin type from @apollo/server's ESM declarations.
import type { ApolloServerPlugin } from '@apollo/server' with { 'resolution-mode': 'import' };
import { type DocumentNode, GraphQLError, type GraphQLSchema } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';

/**
 * Apollo keeps one parsed DocumentNode per distinct query text, so the cost of a (document,
 * operation, variables) triple can be remembered: clients send the same few operations.
 */
const cache = new WeakMap<DocumentNode, Map<string, number | null>>();
const ENTRIES_PER_DOCUMENT = 64;

/**
 * The estimated cost of an operation (fields cost 1 unless they declare `complexity`), or null
 * when its variables are invalid (execution reports those as BAD_USER_INPUT).
 */
export function operationComplexity(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | undefined,
): number | null {
  const key = `${operationName ?? ''}\u0000${JSON.stringify(variables ?? {})}`;
  let byKey = cache.get(document);
  if (!byKey) cache.set(document, (byKey = new Map<string, number | null>()));
  if (byKey.has(key)) return byKey.get(key)!;
  const complexity = computeComplexity(schema, document, operationName, variables);
  if (byKey.size >= ENTRIES_PER_DOCUMENT) byKey.delete(byKey.keys().next().value!);
  byKey.set(key, complexity);
  return complexity;
}

function computeComplexity(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | undefined,
): number | null {
  try {
    return getComplexity({
      schema,
      operationName: operationName ?? undefined,
      query: document,
      variables,
      estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch (error) {
    if (error instanceof GraphQLError) return null;
    throw error;
  }
}

export function complexityError(complexity: number, maxComplexity: number): GraphQLError {
  return new GraphQLError(`Query complexity ${complexity} exceeds the maximum of ${maxComplexity}`, {
    extensions: { code: 'GRAPHQL_VALIDATION_FAILED', complexity, maxComplexity },
  });
}

/**
 * Refuses operations whose estimated cost exceeds `maxComplexity`. Fields declare their cost with
 * `@Field({ complexity })`; lists multiply by their `first` argument in their own estimators.
 */
export function complexityPlugin(getSchema: () => GraphQLSchema, maxComplexity: number): ApolloServerPlugin {
  return {
    requestDidStart() {
      return Promise.resolve({
        didResolveOperation({ request, document }) {
          const complexity = operationComplexity(getSchema(), document, request.operationName, request.variables);
          if (complexity !== null && complexity > maxComplexity) {
            return Promise.reject(complexityError(complexity, maxComplexity));
          }
          return Promise.resolve();
        },
      });
    },
  };
}
