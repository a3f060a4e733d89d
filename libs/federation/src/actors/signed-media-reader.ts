import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@guildhall/core';
import {
  MediaReaderResolvers,
  type MediaReaderResolver,
  type SignedMediaReader as SignedReader,
  type SignedMediaRequest,
} from '@guildhall/content';
import { FederationService } from '../federation.service';
import { keyHost } from '../http/inbox-request';
import { signatureWindowRefusal } from '../http/signature-window';
import { toWebRequest } from '../http/web-request';
import { DomainBlockCache } from '../moderation/domain-block.cache';
import { FetchAuthorizer } from './fetch-authorizer';

/**
 * The signer of an HTTP-signed GET of /media/:id, for the content lib's visibility rule (ADR 0025),
 * decided exactly as for a signed GET of a post object: a key on a blocked domain is refused (403)
 * before anything is fetched; the signature must be inside Mastodon's window (signature-window.ts)
 * and verify with Fedify's verifier, whose keys come through the one outbound client and the
 * key-ownership rule (FetchAuthorizer.signer, ADR 0017); the signer is then the remote account we
 * hold for that actor (FetchAuthorizer.readerId), or anonymous when we hold none. Unlike a post
 * object, which answers a bad signature as unsigned, media refuse it (401): a signature is only
 * ever sent here to see more than everyone does, and saying why helps the sender.
 */
@Injectable()
export class SignedMediaReader implements MediaReaderResolver, OnModuleInit {
  private readonly origin: string;

  constructor(
    config: ConfigService,
    private readonly federation: FederationService,
    private readonly fetches: FetchAuthorizer,
    private readonly blocks: DomainBlockCache,
    private readonly readers: MediaReaderResolvers,
  ) {
    this.origin = config.values.publicOrigin;
  }

  onModuleInit(): void {
    this.readers.register(this);
  }

  async resolveSigned(request: SignedMediaRequest): Promise<SignedReader> {
    const signer = keyHost(request.headers);
    if (signer && this.blocks.isBlocked(signer)) {
      return { verified: false, status: 403, reason: 'This server does not serve your domain' };
    }
    const outsideWindow = signatureWindowRefusal(request.headers);
    if (outsideWindow !== null) return { verified: false, status: 401, reason: outsideWindow };
    // Ids and signed targets derive from PUBLIC_ORIGIN, as for every ActivityPub request.
    const ctx = this.federation.federation.createContext(
      toWebRequest(request, new URL(`${this.origin}${request.target}`)),
      undefined,
    );
    if (!(await this.fetches.signer(ctx))) {
      return { verified: false, status: 401, reason: 'The HTTP signature could not be verified' };
    }
    return { verified: true, accountId: await this.fetches.readerId(ctx) };
  }
}
