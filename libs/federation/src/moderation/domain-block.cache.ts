import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DomainBlockRepository } from './domain-block.repository';

/** How often another process's new blocks are picked up. */
const REFRESH_MS = 30_000;

/** `host[:port]` without the port, lower-case. */
const hostname = (host: string) => host.toLowerCase().replace(/:\d+$/, '');

/**
 * The blocked domains, in memory: every inbound request and outbound fetch asks, so it must be
 * synchronous. A block covers its subdomains; a block on `host:port` covers that port only.
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
    const lower = host.toLowerCase();
    if (this.domains.has(lower)) return true;
    const labels = hostname(lower).split('.');
    for (let i = 0; i < labels.length - 1; i++) {
      if (this.domains.has(labels.slice(i).join('.'))) return true;
    }
    return false;
  }
}
