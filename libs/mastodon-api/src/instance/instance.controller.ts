import { Get, Header } from '@nestjs/common';
import { ConfigService } from '@guildhall/core';
import { Public } from '@guildhall/identity';
import { InstanceStatsRepository } from '@guildhall/federation';
import { MastodonController } from '../http/mastodon-controller.decorator';
import { PushKeys } from '../push/push-keys';
import { MISSING_AVATAR_PATH, MISSING_HEADER_PATH } from '../serializers/account.serializer';
import { COMPATIBLE_VERSION, MASTODON_API_VERSION_NUMBER, STATUS_LIMITS, SUPPORTED_IMAGE_TYPES } from './instance-info';
import { INSTANCE_THUMBNAIL_PNG, MISSING_AVATAR_PNG, MISSING_HEADER_PNG } from './placeholder-images';

const THUMBNAIL_PATH = '/instance/thumbnail.png';

/** Mastodon's limits for polls (libs/content enforces the same). */
const POLL_CONFIGURATION = {
  max_options: 4,
  max_characters_per_option: 50,
  min_expiration: 300,
  max_expiration: 2_629_746,
};

/**
 * What an app asks first: `/api/v1/instance` and `/api/v2/instance` (name, version, limits,
 * registrations, the streaming URL and the VAPID key), and the placeholders Mastodon serves.
 */
@MastodonController()
export class InstanceController {
  constructor(
    private readonly config: ConfigService,
    private readonly stats: InstanceStatsRepository,
    private readonly push: PushKeys,
  ) {}

  private get origin(): string {
    return this.config.values.publicOrigin;
  }

  private get domain(): string {
    return new URL(this.origin).host;
  }

  private get streamingUrl(): string {
    return this.origin.replace(/^http/, 'ws');
  }

  private configuration() {
    return {
      accounts: { max_featured_tags: 0, max_pinned_statuses: STATUS_LIMITS.maxPinnedStatuses },
      statuses: {
        max_characters: 5000,
        max_media_attachments: STATUS_LIMITS.maxMediaAttachments,
        characters_reserved_per_url: STATUS_LIMITS.charactersReservedPerUrl,
      },
      media_attachments: {
        supported_mime_types: SUPPORTED_IMAGE_TYPES,
        description_limit: STATUS_LIMITS.descriptionLimit,
        image_size_limit: this.config.values.mediaMaxBytes,
        image_matrix_limit: STATUS_LIMITS.imageMatrixLimit,
        video_size_limit: 0,
        video_frame_rate_limit: 0,
        video_matrix_limit: 0,
      },
      polls: POLL_CONFIGURATION,
    };
  }

  @Public()
  @Get('api/v2/instance')
  v2() {
    const { name, description, contactEmail } = this.config.values.instance;
    return {
      domain: this.domain,
      title: name,
      version: COMPATIBLE_VERSION,
      source_url: 'https://github.com/guildhall/guildhall',
      description,
      usage: { users: { active_month: 0 } },
      thumbnail: { url: `${this.origin}${THUMBNAIL_PATH}`, blurhash: null, versions: {} },
      icon: [],
      languages: ['en'],
      configuration: {
        urls: {
          streaming: this.streamingUrl,
          status: null,
          about: `${this.origin}/about`,
          privacy_policy: null,
          terms_of_service: null,
        },
        vapid: { public_key: this.push.publicKey },
        ...this.configuration(),
        translation: { enabled: false },
        timelines_access: {
          live_feeds: { local: 'public', remote: 'public' },
          hashtag_feeds: { local: 'public', remote: 'public' },
          trending_link_feeds: { local: 'public', remote: 'public' },
        },
      },
      registrations: {
        enabled: true,
        approval_required: false,
        message: null,
        url: null,
        min_age: null,
        reason_required: false,
      },
      api_versions: { mastodon: MASTODON_API_VERSION_NUMBER },
      contact: { email: contactEmail, account: null },
      rules: [],
    };
  }

  @Public()
  @Get('api/v1/instance')
  async v1() {
    const { name, description, contactEmail } = this.config.values.instance;
    const counts = await this.stats.counts();
    return {
      uri: this.domain,
      title: name,
      short_description: description,
      description,
      email: contactEmail,
      version: COMPATIBLE_VERSION,
      urls: { streaming_api: this.streamingUrl },
      stats: { user_count: counts.users, status_count: counts.localPosts, domain_count: counts.domains },
      thumbnail: `${this.origin}${THUMBNAIL_PATH}`,
      languages: ['en'],
      registrations: true,
      approval_required: false,
      invites_enabled: false,
      configuration: this.configuration(),
      contact_account: null,
      rules: [],
    };
  }

  @Public()
  @Get('api/v1/instance/rules')
  rules() {
    return [];
  }

  @Public()
  @Get('api/v1/instance/extended_description')
  extendedDescription() {
    return {
      updated_at: new Date(0).toISOString(),
      content: `<p>${escape(this.config.values.instance.description)}</p>`,
    };
  }

  @Public()
  @Get('api/v1/instance/peers')
  peers() {
    return [];
  }

  @Public()
  @Get('api/v1/instance/activity')
  activity() {
    return [];
  }

  @Public()
  @Get('api/v1/instance/languages')
  languages() {
    return [{ code: 'en', name: 'English' }];
  }

  @Public()
  @Get('api/v1/custom_emojis')
  customEmojis() {
    return [];
  }

  @Public()
  @Get(['api/v1/trends', 'api/v1/trends/tags', 'api/v1/trends/statuses', 'api/v1/trends/links'])
  trends() {
    return [];
  }

  @Public()
  @Get(MISSING_AVATAR_PATH.slice(1))
  @Header('content-type', 'image/png')
  @Header('cache-control', 'public, max-age=86400')
  missingAvatar() {
    return MISSING_AVATAR_PNG;
  }

  @Public()
  @Get(MISSING_HEADER_PATH.slice(1))
  @Header('content-type', 'image/png')
  @Header('cache-control', 'public, max-age=86400')
  missingHeader() {
    return MISSING_HEADER_PNG;
  }

  @Public()
  @Get(THUMBNAIL_PATH.slice(1))
  @Header('content-type', 'image/png')
  @Header('cache-control', 'public, max-age=86400')
  thumbnail() {
    return INSTANCE_THUMBNAIL_PNG;
  }
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
