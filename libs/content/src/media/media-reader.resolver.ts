import type { IncomingHttpHeaders } from 'node:http';
import { Injectable } from '@nestjs/common';

/** A GET of /media/:id as received: what an HTTP signature covers. */
export interface SignedMediaRequest {
  method: string;
  /** The request target as sent: path and query. */
  target: string;
  headers: IncomingHttpHeaders;
}

/**
 * Who signed a request: a verified signer is the remote account it is here (null: an actor we
 * hold no account for, who sees what everyone sees); an unverified one is refused with the
 * status and reason to answer (401 bad or expired signature, 403 a domain we block).
 */
export type SignedMediaReader =
  { verified: true; accountId: string | null } | { verified: false; status: 401 | 403; reason: string };

/** Verifies an HTTP-signed request and names its signer (the federation lib provides it). */
export interface MediaReaderResolver {
  resolveSigned(request: SignedMediaRequest): Promise<SignedMediaReader>;
}

/**
 * Where federation plugs its HTTP-signature verifier in, so that /media/:id can serve a remote
 * follower's server under the one visibility rule without the content lib importing federation
 * (ADR 0006's direction, ADR 0025; the same shape as identity's RemoteAccountResolvers). Without
 * federation (CLI, unit tests) nothing can vouch for a signature: signed requests are refused.
 */
@Injectable()
export class MediaReaderResolvers {
  private resolver: MediaReaderResolver | null = null;

  register(resolver: MediaReaderResolver): void {
    this.resolver = resolver;
  }

  resolveSigned(request: SignedMediaRequest): Promise<SignedMediaReader> {
    if (!this.resolver) {
      return Promise.resolve({ verified: false, status: 401, reason: 'Signed requests cannot be verified here' });
    }
    return this.resolver.resolveSigned(request);
  }
}
