import { performance } from 'node:perf_hooks';
// Nest's Apollo driver is ESM: take the plugin type from @apollo/server's ESM declarations.
import type { ApolloServerPlugin } from '@apollo/server' with { 'resolution-mode': 'import' };
import type { GraphqlOperationType, GraphqlOutcome } from './metric-names';
import type { Metrics } from './metrics.service';

/**
 * Times each GraphQL operation over HTTP, from the request to the response: `invalid` when it never
 * executed (a parse or validation error, a limit), `error` when it executed with errors.
 */
export function graphqlMetricsPlugin(metrics: Metrics): ApolloServerPlugin {
  return {
    requestDidStart() {
      const started = performance.now();
      let type: GraphqlOperationType = 'unknown';
      let executed = false;
      return Promise.resolve({
        didResolveOperation({ operation }) {
          type = operation?.operation ?? type;
          return Promise.resolve();
        },
        executionDidStart() {
          executed = true;
          return Promise.resolve();
        },
        willSendResponse({ operationName, errors }) {
          const outcome: GraphqlOutcome = !executed ? 'invalid' : errors?.length ? 'error' : 'success';
          metrics.observeGraphqlOperation(operationName, type, outcome, (performance.now() - started) / 1000);
          return Promise.resolve();
        },
      });
    },
  };
}
