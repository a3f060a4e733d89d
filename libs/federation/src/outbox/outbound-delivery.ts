import { type Activity, Create, Hashtag, Mention, Note, PUBLIC_COLLECTION } from '@fedify/fedify/vocab';
import { Injectable } from '@nestjs/common';
import { ConfigService, hostOf, Metrics } from '@guildhall/core';
import { AccountRepository } from '@guildhall/identity';
import { INSTANCE_ACTOR_PATH } from '../actors/actor.mapper';
import { type DeliveryHostState, DeliveryService } from '../delivery/delivery.service';
import { INSTANCE_ACTOR_KEY_ID } from '../keys/actor-key.service';
import { expandPublicAddressing } from '../objects/public-addressing';
import { RemoteActorService } from '../remote/remote-actor.service';
import { OutboundAudienceRepository, type RemoteRecipientRow } from './outbound-audience.repository';

/** What became of one outbound job: a value, not a throw (expected outcomes are not errors). */
export type OutboundResult = { sent: string; type: string; recipients: number } | { skipped: string };

export const skipped = (reason: string): OutboundResult => ({ skipped: reason });

/**
 * Sends a built activity to explicit recipients computed from the database: one delivery per
 * distinct inbox (shared inboxes merged when `shared`), through DeliveryService's jobs, which sign
 * at send time and retry on Mastodon's schedule (ADR 0008: not Fedify's outbox queue).
 */
@Injectable()
export class OutboundDelivery {
  readonly origin: string;

  constructor(
    config: ConfigService,
    private readonly audience: OutboundAudienceRepository,
    private readonly deliveries: DeliveryService,
    private readonly accounts: AccountRepository,
    private readonly remote: RemoteActorService,
    private readonly metrics: Metrics,
  ) {
    this.origin = config.values.publicOrigin;
  }

  /** Distinct inboxes (a shared one where the recipient has it, if `shared`), skipping hosts marked unavailable. */
  private inboxes(rows: RemoteRecipientRow[], shared: boolean, down: Set<string>): string[] {
    const inboxes = new Set<string>();
    const skipped = new Set<string>();
    for (const row of rows) {
      const inbox = shared && row.sharedInboxUrl ? row.sharedInboxUrl : row.inboxUrl;
      if (inboxes.has(inbox)) continue;
      const host = hostOf(inbox);
      if (host !== null && down.has(host)) skipped.add(inbox);
      if (host === null || down.has(host) || inbox.startsWith(`${this.origin}/`)) continue;
      inboxes.add(inbox);
    }
    this.metrics.countDeliveries('skipped', 'unavailable' satisfies DeliveryHostState, skipped.size);
    return [...inboxes];
  }

  /**
   * Serializes a throwaway Create(Note) with a mention and a hashtag, as a post's would be: the first
   * activity after a start otherwise pays for Fedify's serializers warming up (about 85 ms against
   * 12 ms for the next ones, bench:fanout), on the first post's way to its followers.
   */
  async warmUp(): Promise<void> {
    const actor = new URL(`${this.origin}/users/warm-up`);
    const note = new Note({
      id: new URL(`${this.origin}/posts/warm-up`),
      attribution: actor,
      content: '<p>warm-up</p>',
      tos: [PUBLIC_COLLECTION],
      ccs: [new URL(`${actor.href}/followers`)],
      tags: [
        new Mention({ href: new URL('https://remote.invalid/users/b'), name: '@b@remote.invalid' }),
        new Hashtag({ href: new URL(`${this.origin}/tags/warm`), name: '#warm' }),
      ],
    });
    const create = new Create({ id: new URL(`${note.id?.href}/activity`), actor, object: note, tos: note.toIds });
    const document = await create.toJsonLd({ contextLoader: this.remote.contextLoader });
    expandPublicAddressing(document);
    JSON.stringify(document);
  }

  /**
   * Sends as the instance actor (a forwarded report's Flag: the server speaks, not a member),
   * signed with its key, to each recipient's own inbox.
   */
  async sendAsInstance(rows: RemoteRecipientRow[], activity: Activity): Promise<OutboundResult> {
    const [down, document] = await Promise.all([
      this.audience.unavailableHosts(),
      activity.toJsonLd({ contextLoader: this.remote.contextLoader }),
    ]);
    const inboxes = this.inboxes(rows, false, down);
    if (inboxes.length === 0) return skipped('no remote recipients');
    await this.deliveries.enqueue(
      {
        activityId: activity.id?.href ?? '',
        body: JSON.stringify(document),
        senderAccountId: INSTANCE_ACTOR_KEY_ID,
        keyId: `${this.origin}${INSTANCE_ACTOR_PATH}#main-key`,
      },
      inboxes,
    );
    return { sent: activity.id?.href ?? '', type: activity.constructor.name, recipients: inboxes.length };
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
    options: { shared: boolean },
  ): Promise<OutboundResult> {
    if (rows.length === 0) return skipped('no remote recipients');
    // Independent reads, side by side: the first delivery waits for the slowest, not for the sum.
    const [down, sender, document] = await Promise.all([
      this.audience.unavailableHosts(),
      this.accounts.findActiveLocal(username),
      // No `format`: Fedify's own compaction, as for served documents (jsonld.compact took ~0.3 s).
      activity.toJsonLd({ contextLoader: this.remote.contextLoader }),
    ]);
    const inboxes = this.inboxes(rows, options.shared, down);
    if (inboxes.length === 0) return skipped('no remote recipients');
    if (!sender) return skipped('sender is gone or suspended');
    expandPublicAddressing(document);
    const body = JSON.stringify(document);
    await this.deliveries.enqueue(
      {
        activityId: activity.id?.href ?? '',
        body,
        senderAccountId: sender.id,
        keyId: `${this.origin}/users/${sender.username}#main-key`,
      },
      inboxes,
    );
    return { sent: activity.id?.href ?? '', type: activity.constructor.name, recipients: inboxes.length };
  }
}
