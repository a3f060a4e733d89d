import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';

/**
 * PostgreSQL text cannot hold U+0000: a NUL that reaches a text column or a query parameter fails
 * the statement with an encoding error (a 500). Inputs are refused up front instead, everywhere:
 * GraphQL variables and literals, REST bodies, query strings and path parameters.
 */
export const NUL_MESSAGE = 'Text may not contain the NUL character (U+0000)';
export const NUL_REASON = 'NUL_CHARACTER';

/** Whether a string anywhere in a JSON-like value (keys included) contains U+0000. */
export function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (typeof value !== 'object' || value === null || depth > 64) return false;
  if (Array.isArray(value)) return value.some((item) => containsNul(item, depth + 1));
  if (Buffer.isBuffer(value)) return false;
  return Object.entries(value).some(([key, item]) => key.includes('\u0000') || containsNul(item, depth + 1));
}

const documentHasNul = new WeakMap<DocumentNode, boolean>();

/** Whether a string literal of a parsed document contains U+0000 (escaped or not), remembered per document. */
function literalsContainNul(document: DocumentNode): boolean {
  let found = documentHasNul.get(document);
  if (found === undefined) {
    found = false;
    visit(document, {
      [Kind.STRING](node) {
        if (node.value.includes('\u0000')) found = true;
      },
    });
    documentHasNul.set(document, found);
  }
  return found;
}

/** BAD_USER_INPUT (HTTP 400) when an operation's variables or literals carry U+0000, else null. */
export function nulInputRefusal(document: DocumentNode, variables: unknown): GraphQLError | null {
  if (!containsNul(variables) && !literalsContainNul(document)) return null;
  return new GraphQLError(NUL_MESSAGE, {
    extensions: { code: 'BAD_USER_INPUT', reason: NUL_REASON, http: { status: 400 } },
  });
}
