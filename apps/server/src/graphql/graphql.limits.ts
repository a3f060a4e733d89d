/** One set of limits for operations over HTTP and over WebSocket (ADR 0020). */
export const MAX_QUERY_DEPTH = 10;
/** About the fields an operation may resolve: lists multiply (fieldCost). 40 posts with authors,
 * counts, media and mentions cost ~1,400. */
export const MAX_QUERY_COMPLEXITY = 2000;
/** Fields an operation may select, fragments expanded, aliases and `__typename` included. */
export const MAX_QUERY_FIELDS = 500;
/** Lexical tokens in a document: parsing stops there (the full introspection query has 183). */
export const MAX_QUERY_TOKENS = 5000;
/** Bytes of a serialized GraphQL response; a larger one is replaced by a refusal. */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
