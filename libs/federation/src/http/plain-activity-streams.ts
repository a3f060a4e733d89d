/** Which inbound activities can be read as plain JSON, without JSON-LD processing (ADR 0012, ADR 0057). */
const AS_CONTEXT = 'https://www.w3.org/ns/activitystreams';
/**
 * Remote contexts that may follow it (Mastodon, Misskey, GoToSocial send these): none redefines
 * `id`, `type` or `actor`. Any other remote context could, so it takes Fedify's path.
 */
const KNOWN_CONTEXTS = new Set([
  'https://w3id.org/identity/v1',
  'https://w3id.org/security/v1',
  'https://w3id.org/security/data-integrity/v1',
  'https://w3id.org/security/data-integrity/v2',
  'https://w3id.org/security/multikey/v1',
  'https://www.w3.org/ns/did/v1',
  'https://gotosocial.org/ns',
]);
/**
 * Terms whose meaning the fast path, and the worker's batches (inbox-batch-item.ts), read without
 * JSON-LD processing: no context may redefine them.
 */
const READ_TERMS = ['id', 'type', 'actor', 'object', 'to', 'cc', 'signature', 'proof'];

/**
 * True when the activity's compacted terms mean what they say: the ActivityStreams context, only
 * known remote contexts besides and no context object redefining a term read here, no Linked Data Signature or Object
 * Integrity Proof (which Fedify verifies, and which may come from someone other than the sender).
 */
export function plainActivityStreams(activity: Record<string, unknown>): boolean {
  if (activity.signature !== undefined || activity.proof !== undefined) return false;
  const context = activity['@context'];
  const entries = Array.isArray(context) ? context : [context];
  if (!entries.includes(AS_CONTEXT)) return false;
  for (const entry of entries) {
    if (typeof entry === 'string') {
      if (entry === AS_CONTEXT || KNOWN_CONTEXTS.has(entry)) continue;
      return false;
    }
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return false;
    if (READ_TERMS.some((term) => term in entry) || '@vocab' in entry || '@base' in entry) return false;
  }
  return true;
}
