/** One set of limits for operations over HTTP and over WebSocket. */
export const MAX_QUERY_DEPTH = 10;
export const MAX_QUERY_COMPLEXITY = 1000;
