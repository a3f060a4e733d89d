import { Injectable } from '@nestjs/common';
import { ConfigService, normalizeHost, uuidv7 } from '@guildhall/core';
import type { IdPage } from '../paging/id-page';
import { SocialErrorCode, SocialException } from '../social.exception';
import type { AccountDomainBlockEntity } from './domain-block.entity';
import { DomainBlockRepository } from './domain-block.repository';

/**
 * A member's own domain blocks (Mastodon's `/api/v1/domain_blocks`): the server's accounts'
 * posts leave the member's home and public timelines. Follows are left as they are.
 */
@Injectable()
export class DomainBlockService {
  private readonly localHost: string | null;

  constructor(
    private readonly blocks: DomainBlockRepository,
    config: ConfigService,
  ) {
    this.localHost = normalizeHost(new URL(config.values.publicOrigin).host);
  }

  /** True when the domain was not blocked yet; INVALID_DOMAIN for what is not a remote host. */
  block(accountId: string, domain: string): Promise<boolean> {
    return this.blocks.insert({ id: uuidv7(), accountId, domain: this.checked(domain) });
  }

  /** True when the domain was blocked. */
  unblock(accountId: string, domain: string): Promise<boolean> {
    return this.blocks.delete(accountId, this.checked(domain));
  }

  list(accountId: string, page: IdPage): Promise<AccountDomainBlockEntity[]> {
    return this.blocks.page(accountId, page);
  }

  private checked(domain: string): string {
    const host = normalizeHost(domain);
    if (host === null || host === this.localHost) {
      throw new SocialException(SocialErrorCode.InvalidDomain, 'The domain must be the host name of another server', {
        domain: domain.slice(0, 300),
      });
    }
    return host;
  }
}
