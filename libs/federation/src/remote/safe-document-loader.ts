import type { webcrypto } from 'node:crypto';
import { signRequest } from '@fedify/fedify';
import { type DocumentLoader, FetchError, preloadedContexts, type RemoteDocument } from '@fedify/fedify/runtime';
import { normalizeHost } from '@guildhall/core';
import { BodyTooLargeError, isPrivateAddress, readLimited } from '../safety/outbound-http';

export const AS_ACCEPT =
  'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"';

const MAX_REDIRECTS = 5;

export interface SafeFetchPolicy {
  allowPrivateAddresses: boolean;
  timeoutMs: number;
  maxBodyBytes: number;
  userAgent: string;
  /** The one outbound client's fetch (OutboundHttp): its dispatcher guards every connection. */
  fetch: (request: Request) => Promise<Response>;
  /** A domain-blocked host is never fetched. */
  isBlocked: (host: string) => boolean;
}

export interface Signer {
  keyId: URL;
  privateKey: webcrypto.CryptoKey;
}

/** Why a URL may not be fetched: a plain Error the caller turns into its own failure value. */
export class RefusedUrlError extends Error {
  constructor(url: string, reason: string) {
    super(`refusing ${url}: ${reason}`);
    this.name = 'RefusedUrlError';
  }
}

/**
 * Refuses non-http(s) schemes, credentials, private IP literals and `localhost` names early (the
 * client's dispatcher refuses them again at connect, with every DNS answer) and blocked hosts.
 */
export function assertFetchable(url: URL, policy: Pick<SafeFetchPolicy, 'allowPrivateAddresses' | 'isBlocked'>): void {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new RefusedUrlError(url.href, 'not http(s)');
  if (url.username || url.password) throw new RefusedUrlError(url.href, 'credentials in URL');
  const host = normalizeHost(url.hostname);
  if (host === null) throw new RefusedUrlError(url.href, 'not a host name');
  if (!policy.allowPrivateAddresses && (/(^|\.)localhost$/.test(host) || isPrivateAddress(url.hostname))) {
    throw new RefusedUrlError(url.href, 'private address (FEDERATION_ALLOW_PRIVATE_ADDRESSES is off)');
  }
  if (policy.isBlocked(url.host)) throw new RefusedUrlError(url.href, 'domain is blocked');
}

/**
 * GET `url` with redirects followed by hand (each hop checked, and signed again when signing),
 * a timeout and a size limit on the body. Resolves to the final response's URL and body.
 */
export async function safeGet(
  url: string,
  policy: SafeFetchPolicy,
  options: { accept: string; signer?: Signer; signal?: AbortSignal },
): Promise<{ url: string; status: number; contentType: string | null; headers: Headers; body: Buffer }> {
  let current = new URL(url);
  const signal = options.signal
    ? AbortSignal.any([options.signal, AbortSignal.timeout(policy.timeoutMs)])
    : AbortSignal.timeout(policy.timeoutMs);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    assertFetchable(current, policy);
    let request = new Request(current, {
      headers: { Accept: options.accept, 'User-Agent': policy.userAgent },
      redirect: 'manual',
      signal,
    });
    if (options.signer) {
      request = await signRequest(request, options.signer.privateKey, options.signer.keyId, {
        spec: 'draft-cavage-http-signatures-12',
      });
    }
    const response = await policy.fetch(request);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      current = new URL(location, current);
      continue;
    }
    const body = await readLimited(response, policy.maxBodyBytes);
    return {
      url: current.href,
      status: response.status,
      contentType: response.headers.get('content-type'),
      headers: response.headers,
      body,
    };
  }
  throw new RefusedUrlError(url, `more than ${MAX_REDIRECTS} redirects`);
}

/**
 * Fedify's document loaders, replaced: same contract, but with our limits (private addresses,
 * blocked domains, timeout, body size) and draft-cavage signing for authenticated fetches.
 * JSON-LD contexts Fedify ships are answered from memory, never fetched.
 */
export function safeDocumentLoader(policy: SafeFetchPolicy, signer?: Signer): DocumentLoader {
  return async (url, options): Promise<RemoteDocument> => {
    const preloaded = preloadedContexts[url];
    if (preloaded !== undefined) return { contextUrl: null, documentUrl: url, document: preloaded };
    let result: Awaited<ReturnType<typeof safeGet>>;
    try {
      result = await safeGet(url, policy, { accept: AS_ACCEPT, signer, signal: options?.signal });
    } catch (error) {
      if (error instanceof BodyTooLargeError || error instanceof RefusedUrlError) {
        throw new FetchError(url, error.message);
      }
      throw error;
    }
    if (result.status < 200 || result.status >= 300) {
      throw new FetchError(result.url, `HTTP ${result.status}: ${result.url}`);
    }
    let document: unknown;
    try {
      document = JSON.parse(result.body.toString('utf8'));
    } catch {
      throw new FetchError(result.url, `not JSON: ${result.url}`);
    }
    return { contextUrl: null, documentUrl: result.url, document };
  };
}
