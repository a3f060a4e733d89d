// Wraps the global fetch before Fedify is loaded, so every request Fedify makes while delivering an
// activity is seen: its status and the signature scheme it carried (Fedify may knock twice, RFC 9421
// first, then draft-cavage). Attempts are attached to the delivery running in the async context.
import { AsyncLocalStorage } from 'node:async_hooks';

export const deliveryContext = new AsyncLocalStorage();

const originalFetch = globalThis.fetch;

globalThis.fetch = async function loggedFetch(input, init) {
  const record = deliveryContext.getStore();
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  if (record == null || method !== 'POST') return originalFetch(input, init);
  const request = new Request(input, init);
  const scheme = request.headers.has('signature-input')
    ? 'rfc9421'
    : request.headers.has('signature')
      ? 'draft-cavage'
      : null;
  const attempt = { method: request.method, url: request.url, scheme, status: null, error: null };
  record.attempts.push(attempt);
  try {
    const response = await originalFetch(request);
    attempt.status = response.status;
    return response;
  } catch (error) {
    attempt.error = error instanceof Error ? error.message : String(error);
    throw error;
  }
};
