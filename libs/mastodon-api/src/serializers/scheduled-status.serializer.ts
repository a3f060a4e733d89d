import { Injectable } from '@nestjs/common';
import {
  type MediaAttachmentModel,
  MediaService,
  type ScheduledPostEntity,
  toMediaModel,
  Visibility,
} from '@guildhall/content';
import { ConfigService } from '@guildhall/core';
import type { MastodonScheduledStatus } from './mastodon-entities';
import { toMastodonMedia } from './media.serializer';
import { toMastodonVisibility } from './status.serializer';

/** A scheduled post as Mastodon's ScheduledStatus (its media are the author's own uploads). */
@Injectable()
export class ScheduledStatusSerializer {
  constructor(
    private readonly media: MediaService,
    private readonly config: ConfigService,
  ) {}

  async serialize(row: ScheduledPostEntity): Promise<MastodonScheduledStatus> {
    const { params } = row;
    const media: MediaAttachmentModel[] = [];
    for (const id of params.mediaIds) {
      // An upload deleted since is simply not listed (publishing will drop the post then).
      const found = await this.media.requireOwn(row.accountId, id).catch(() => null);
      if (found) media.push(toMediaModel(found, this.config.values.publicOrigin));
    }
    return {
      id: row.id,
      scheduled_at: new Date(row.scheduledAt).toISOString(),
      params: {
        text: params.content,
        poll: null,
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
