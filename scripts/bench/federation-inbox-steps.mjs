// What the steps of the server's inbox path cost on their own, measured in the benchmark process
// with the same Fedify the server runs (one at a time, one thread, µs per call): the floor's
// node:crypto check, Fedify's verifyRequest with the key already parsed, the re-parse of the cached
// key that Fedify's KvKeyCache does on every request (CryptographicKey.fromJsonLd of the stored
// JSON-LD: JSON-LD expansion, PEM/ASN.1 parsing, WebCrypto import), Activity.fromJsonLd of the
// Like (JSON-LD expansion), and building the Web Request the handler hands to Fedify. Only
// preloaded JSON-LD contexts are used (nothing is fetched), as in the server.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { round } from './common.mjs';
import { verifySignedPost } from './federation-common.mjs';

const require = createRequire(import.meta.url);

async function microsPerCall(fn, minMs) {
  for (let i = 0; i < 30; i++) await fn(i); // warm up
  let n = 0;
  const started = performance.now();
  while (performance.now() - started < minMs) await fn(n++);
  return round(((performance.now() - started) * 1000) / n, 1);
}

/**
 * requests: pre-signed { body, headers } to `url` (http://127.0.0.1:<port>/inbox); actor: one of
 * them ({ id, keyId, keys }). Resolves with µs per call of each step.
 */
export async function inboxStepCosts({ requests, actor, url, minMs = 1_000 }) {
  const { verifyRequest } = require('@fedify/fedify');
  const { Activity, CryptographicKey } = require('@fedify/vocab');
  const { preloadedContexts } = require('@fedify/vocab-runtime');
  const loader = async (iri) => {
    const document = preloadedContexts[iri];
    if (document === undefined) throw new Error(`not preloaded: ${iri}`);
    return { contextUrl: null, documentUrl: iri, document };
  };
  const options = { contextLoader: loader, documentLoader: loader };
  const own = requests.filter((request) => request.headers.signature.includes(`keyId="${actor.keyId}"`));
  const key = await CryptographicKey.fromJsonLd(
    {
      '@context': 'https://w3id.org/security/v1',
      id: actor.keyId,
      type: 'CryptographicKey',
      owner: actor.id,
      publicKeyPem: actor.keys.publicKeyPem,
    },
    options,
  );
  const stored = await key.toJsonLd(options); // what KvKeyCache keeps in the KV store
  const webRequest = (i) => {
    const { body, headers } = own[i % own.length];
    return new Request(url, { method: 'POST', headers, body });
  };
  const inMemory = { get: async () => key, set: async () => undefined };
  const path = new URL(url).pathname;
  const keyFor = (keyId) => (keyId === actor.keyId ? actor.keys.publicKey : undefined);
  if (!(await verifyRequest(webRequest(0), { ...options, keyCache: inMemory, timeWindow: { hours: 12 } }))) {
    throw new Error('Fedify does not verify the pre-signed requests');
  }
  return {
    nodeCryptoDigestAndVerify: await microsPerCall((i) => {
      const { body, headers } = own[i % own.length];
      verifySignedPost({ method: 'POST', path, headers, body }, keyFor);
    }, minMs),
    fedifyVerifyRequestKeyInMemory: await microsPerCall(
      (i) => verifyRequest(webRequest(i), { ...options, keyCache: inMemory, timeWindow: { hours: 12 } }),
      minMs,
    ),
    fedifyKeyCacheReparse_CryptographicKeyFromJsonLd: await microsPerCall(
      () => CryptographicKey.fromJsonLd(stored, options),
      minMs,
    ),
    fedifyActivityFromJsonLd_Like: await microsPerCall(
      (i) => Activity.fromJsonLd(JSON.parse(own[i % own.length].body), options),
      minMs,
    ),
    webRequestBuildAndCloneJson: await microsPerCall((i) => webRequest(i).clone().json(), minMs),
  };
}
