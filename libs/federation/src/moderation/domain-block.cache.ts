import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DomainBlockRepository } from './domain-block.repository';
import { blockCandidates } from './domain-name';

/** How often another process's new blocks are picked up. */
const REFRESH_MS = 30_000;

/**
 * The blocked domains, in memory: every inbound request and outbound fetch asks, so it must be
 * synchronous. A block covers its subdomains; a block on `host:port` covers that port only
 * (`blockCandidates`).
 */
@Injectable()
export class DomainBlockCache implements OnModuleInit, OnModuleDestroy {
  private domains = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly repository: DomainBlockRepository) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => void this.reload().catch(() => undefined), REFRESH_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async reload(): Promise<void> {
    this.domains = new Set(await this.repository.allDomains());
  }

  isBlocked(host: string): boolean {
    if (this.domains.size === 0) return false;
    return blockCandidates(host).some((candidate) => this.domains.has(candidate));
  }
}
