import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { normalizeHost } from '@guildhall/core';
import { UNAVAILABLE_AFTER_FAILURES } from './delivery.job';
import { FederationHostRepository } from './federation-host.repository';

/** How often one process resets a host's record after it proved alive. */
const ALIVE_EVERY_MS = 60_000;
/** Hosts that proved alive are reset together, at most this long after the first of them. */
const ALIVE_FLUSH_MS = 1_000;

/**
 * Per-host delivery health, as deliveries and inbound requests see it. A failure is counted
 * (after enough in a row the host is marked unavailable and skipped); a success or a delivery
 * from the host resets it, at most once a minute per host per process, and the hosts of one
 * second in one statement: an UPDATE per accepted inbox POST was a third of the inbox's database
 * round trips (bench:inbox), and one per host served was most of a fan-out's (bench:fanout).
 */
@Injectable()
export class HostHealth implements OnModuleDestroy {
  private readonly aliveMarkedAt = new Map<string, number>();
  /** Hosts seen alive, not yet written. */
  private readonly pendingAlive = new Set<string>();
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(private readonly hosts: FederationHostRepository) {}

  alive(raw: string): void {
    const host = normalizeHost(raw) ?? raw;
    const now = Date.now();
    if (now - (this.aliveMarkedAt.get(host) ?? 0) < ALIVE_EVERY_MS) return;
    if (this.aliveMarkedAt.size > 10_000) this.aliveMarkedAt.clear();
    this.aliveMarkedAt.set(host, now);
    this.pendingAlive.add(host);
    if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => void this.flush(), ALIVE_FLUSH_MS);
      this.flushTimer.unref();
    }
  }

  /** Counts a failure in a row; resolves to the host's state after it. */
  async failed(raw: string, error: string): Promise<'failing' | 'unavailable'> {
    const host = normalizeHost(raw) ?? raw;
    this.aliveMarkedAt.delete(host);
    // A success seen before this failure is written first: the failure counts from the reset.
    if (this.pendingAlive.delete(host)) await this.hosts.markAvailableMany([host]).catch(() => undefined);
    const failures = await this.hosts.recordFailure(host, error);
    if (failures < UNAVAILABLE_AFTER_FAILURES) return 'failing';
    await this.hosts.markUnavailable(host);
    return 'unavailable';
  }

  /** Writes the pending resets (also on shutdown). */
  async flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pendingAlive.size === 0) return;
    const hosts = [...this.pendingAlive];
    this.pendingAlive.clear();
    await this.hosts.markAvailableMany(hosts).catch(() => undefined);
  }

  onModuleDestroy(): Promise<void> {
    return this.flush();
  }
}
