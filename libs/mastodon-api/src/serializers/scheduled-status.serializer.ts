import { Injectable } from '@nestjs/common';
import { MediaService, type MediaView, type ScheduledPostEntity, Visibility } from '@guildhall/content';
import type { MastodonScheduledStatus } from './mastodon-entities';
import { toMastodonMedia } from './media.serializer';
import { toMastodonVisibility } from './status.serializer';

/** A scheduled post as Mastodon's ScheduledStatus (its media are the author's own uploads). */
@Injectable()
export class ScheduledStatusSerializer {
  constructor(private readonly media: MediaService) {}

  async serialize(row: ScheduledPostEntity): Promise<MastodonScheduledStatus> {
    const { params } = row;
    const media: MediaView[] = [];
    for (const id of params.mediaIds) {
      // Still unattached until the post is published; one deleted since is simply not listed
      // (publishing will drop the post then).
      const found = await this.media.findOwned(row.accountId, id).catch(() => null);
      if (found) media.push(found);
    }
    return {
      id: row.id,
      scheduled_at: new Date(row.scheduledAt).toISOString(),
      params: {
        text: params.content,
        poll: params.poll
          ? {
              options: params.poll.options,
              expires_in: params.poll.expiresIn,
              multiple: params.poll.multiple,
              hide_totals: params.poll.hideTotals,
            }
          : null,
        media_ids: params.mediaIds.length ? params.mediaIds : null,
        sensitive: params.contentWarning !== null,
        spoiler_text: params.contentWarning,
        visibility: toMastodonVisibility(params.visibility as Visibility),
        in_reply_to_id: params.inReplyToId,
        language: params.language,
        application_id: params.applicationId,
        scheduled_at: null,
        idempotency: null,
        with_rate_limit: false,
      },
      media_attachments: media.map(toMastodonMedia),
    };
  }

  serializeMany(rows: ScheduledPostEntity[]): Promise<MastodonScheduledStatus[]> {
    return Promise.all(rows.map((row) => this.serialize(row)));
  }
}
