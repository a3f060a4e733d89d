// Nest's Apollo driver is ESM: take the plugin type from @apollo/server's ESM declarations.
import type { ApolloServerPlugin } from '@apollo/server' with { 'resolution-mode': 'import' };
import { Logger } from '@nestjs/common';
import { type DocumentNode, getOperationAST, getVariableValues, GraphQLError, type GraphQLSchema } from 'graphql';
import { getComplexity } from 'graphql-query-complexity';
import { fieldCost } from './complexity.estimators';
import { BoundedMap } from '../collections/bounded';

const logger = new Logger('GraphQLComplexity');

/**
 * Apollo keeps one parsed DocumentNode per distinct query text, so the cost of a (document,
 * operation, variables) triple can be remembered: clients send the same few operations.
 */
const ENTRIES_PER_DOCUMENT = 64;
const cache = new WeakMap<DocumentNode, BoundedMap<string, number | null | Error>>();

/**
 * The estimated cost of an operation (see fieldCost: lists multiply by their `first` or bound),
 * or null when its variables are invalid or no operation matches: execution then refuses the
 * request before any resolver runs. Throws when the cost cannot be estimated.
 */
export function operationComplexity(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | undefined,
): number | null {
  const key = `${operationName ?? ''}\u0000${JSON.stringify(variables ?? {})}`;
  let byKey = cache.get(document);
  if (!byKey) cache.set(document, (byKey = new BoundedMap<string, number | null | Error>(ENTRIES_PER_DOCUMENT)));
  let complexity = byKey.get(key);
  if (complexity === undefined) {
    try {
      complexity = computeComplexity(schema, document, operationName, variables);
    } catch (error) {
      complexity = error instanceof Error ? error : new Error(String(error));
    }
    byKey.set(key, complexity);
  }
  if (complexity instanceof Error) throw complexity;
  return complexity;
}

function computeComplexity(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | undefined,
): number | null {
  const operation = getOperationAST(document, operationName);
  if (!operation) return null;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  if (coerced.errors?.length) return null;
  return getComplexity({
    schema,
    operationName: operationName ?? undefined,
    query: document,
    variables,
    estimators: [fieldCost],
  });
}

export function complexityError(complexity: number, maxComplexity: number): GraphQLError {
  return new GraphQLError(`Query complexity ${complexity} exceeds the maximum of ${maxComplexity}`, {
    extensions: {
      code: 'GRAPHQL_VALIDATION_FAILED',
      reason: 'QUERY_TOO_COMPLEX',
      complexity,
      maxComplexity,
      http: { status: 400 },
    },
  });
}

/**
 * Why an operation may not run, or null: over `maxComplexity`, or of a cost that could not be
 * estimated (refused: a limit that an odd document can switch off is no limit).
 */
export function complexityRefusal(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | undefined,
  maxComplexity: number,
): GraphQLError | null {
  let complexity: number | null;
  try {
    complexity = operationComplexity(schema, document, operationName, variables);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    logger.warn({ msg: 'refused an operation whose cost could not be estimated', detail });
    return new GraphQLError('The cost of this operation could not be estimated', {
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', reason: 'COMPLEXITY_UNKNOWN', http: { status: 400 } },
    });
  }
  return complexity !== null && complexity > maxComplexity ? complexityError(complexity, maxComplexity) : null;
}

/**
 * Refuses (HTTP 400) operations whose estimated cost exceeds `maxComplexity` or cannot be
 * estimated. Fields declare their own price with `@Field({ complexity })`; lists multiply.
 */
export function complexityPlugin(getSchema: () => GraphQLSchema, maxComplexity: number): ApolloServerPlugin {
  return {
    requestDidStart() {
      return Promise.resolve({
        didResolveOperation({ request, document }) {
          const refusal = complexityRefusal(
            getSchema(),
            document,
            request.operationName,
            request.variables,
            maxComplexity,
          );
          return refusal ? Promise.reject(refusal) : Promise.resolve();
        },
      });
    },
  };
}
