import type { Activity, Recipient } from '@fedify/fedify/vocab';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@guildhall/core';
import { FederationService } from '../federation.service';
import { OutboundAudienceRepository, type RemoteRecipientRow } from './outbound-audience.repository';

/** What became of one outbound job: a value, not a throw (expected outcomes are not errors). */
export type OutboundResult = { sent: string; type: string; recipients: number } | { skipped: string };

export const skipped = (reason: string): OutboundResult => ({ skipped: reason });

function hostOf(url: string): string | null {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return null;
  }
}

/**
 * Hands a built activity to Fedify for explicit recipients computed from the database. Fedify
 * signs at send time, fans out through its queue (one delivery per distinct inbox, shared inboxes
 * merged with `preferSharedInbox`) and retries on its own schedule.
 */
@Injectable()
export class OutboundDelivery {
  readonly origin: string;

  constructor(
    config: ConfigService,
    private readonly federation: FederationService,
    private readonly audience: OutboundAudienceRepository,
  ) {
    this.origin = config.values.publicOrigin;
  }

  /** Distinct recipients, leaving out hosts marked unavailable. */
  private async recipients(rows: RemoteRecipientRow[], shared: boolean): Promise<Recipient[]> {
    const down = await this.audience.unavailableHosts();
    const seen = new Set<string>();
    const recipients: Recipient[] = [];
    for (const row of rows) {
      if (seen.has(row.uri)) continue;
      seen.add(row.uri);
      const target = hostOf(shared && row.sharedInboxUrl ? row.sharedInboxUrl : row.inboxUrl);
      if (target === null || down.has(target)) continue;
      recipients.push({
        id: new URL(row.uri),
        inboxId: new URL(row.inboxUrl),
        endpoints: { sharedInbox: row.sharedInboxUrl ? new URL(row.sharedInboxUrl) : null },
      });
    }
    return recipients;
  }

  /**
   * `shared`: deliver to shared inboxes where the recipients have one (posts, boosts, profile
   * updates to followers); personal inboxes for what concerns one actor (follows, likes, blocks,
   * direct posts).
   */
  async send(
    username: string,
    rows: RemoteRecipientRow[],
    activity: Activity,
    options: { shared: boolean; orderingKey?: string },
  ): Promise<OutboundResult> {
    const recipients = await this.recipients(rows, options.shared);
    if (recipients.length === 0) return skipped('no remote recipients');
    const ctx = this.federation.federation.createContext(new URL(this.origin), undefined);
    await ctx.sendActivity({ identifier: username }, recipients, activity, {
      preferSharedInbox: options.shared,
      excludeBaseUris: [new URL(this.origin)],
      orderingKey: options.orderingKey,
    });
    return {
      sent: activity.id?.href ?? '',
      type: activity.constructor.name,
      recipients: recipients.length,
    };
  }
}
