// Nest's Apollo driver is ESM: take the plugin type from @apollo/server's ESM declarations.
import type { ApolloServerPlugin } from '@apollo/server' with { 'resolution-mode': 'import' };
import { nulInputRefusal } from '../errors/nul-text';

/** Refuses operations carrying U+0000 in a variable or literal before any resolver runs. */
export function inputTextPlugin(): ApolloServerPlugin {
  return {
    requestDidStart() {
      return Promise.resolve({
        didResolveOperation({ request, document }) {
          const refusal = nulInputRefusal(document, request.variables);
          return refusal ? Promise.reject(refusal) : Promise.resolve();
        },
      });
    },
  };
}
