import { Injectable } from '@nestjs/common';
import { UNAVAILABLE_AFTER_FAILURES } from './delivery.job';
import { FederationHostRepository } from './federation-host.repository';

/** How often one process resets a host's record after it proved alive. */
const ALIVE_EVERY_MS = 60_000;

/**
 * Per-host delivery health, as deliveries and inbound requests see it. A failure is counted
 * (after enough in a row the host is marked unavailable and skipped); a success or a delivery
 * from the host resets it, written at most once a minute per host per process: an UPDATE per
 * accepted inbox POST was a third of the inbox's database round trips (bench:inbox).
 */
@Injectable()
export class HostHealth {
  private readonly aliveMarkedAt = new Map<string, number>();

  constructor(private readonly hosts: FederationHostRepository) {}

  alive(host: string): void {
    const now = Date.now();
    if (now - (this.aliveMarkedAt.get(host) ?? 0) < ALIVE_EVERY_MS) return;
    if (this.aliveMarkedAt.size > 10_000) this.aliveMarkedAt.clear();
    this.aliveMarkedAt.set(host, now);
    void this.hosts.markAvailable(host).catch(() => undefined);
  }

  async failed(host: string, error: string): Promise<void> {
    this.aliveMarkedAt.delete(host);
    const failures = await this.hosts.recordFailure(host, error);
    if (failures >= UNAVAILABLE_AFTER_FAILURES) await this.hosts.markUnavailable(host);
  }
}
