/**
 * The Mastodon client API's entities as Mastodon 4.3 renders them (snake_case, string ids, null
 * where Mastodon has null). Only what Guildhall fills; see docs.joinmastodon.org/entities.
 */
export interface MastodonField {
  name: string;
  value: string;
  verified_at: string | null;
}

export interface MastodonAccount {
  id: string;
  username: string;
  acct: string;
  url: string;
  uri: string;
  display_name: string;
  note: string;
  avatar: string;
  avatar_static: string;
  header: string;
  header_static: string;
  locked: boolean;
  fields: MastodonField[];
  emojis: never[];
  bot: boolean;
  group: boolean;
  discoverable: boolean | null;
  indexable: boolean;
  hide_collections: boolean | null;
  noindex: boolean | null;
  created_at: string;
  last_status_at: string | null;
  statuses_count: number;
  followers_count: number;
  following_count: number;
  roles: never[];
  source?: MastodonAccountSource;
  /** Only on the member's own account (CredentialAccount). */
  role?: MastodonRole;
  /** Only in `GET /api/v1/mutes` (MutedAccount): when the mute ends, null for good. */
  mute_expires_at?: string | null;
}

/** Mastodon's Role; Guildhall has no staff roles through this API, so every member has the base one. */
export interface MastodonRole {
  id: string;
  name: string;
  color: string;
  permissions: string;
  highlighted: boolean;
}

export interface MastodonAccountSource {
  privacy: string;
  sensitive: boolean;
  language: string | null;
  note: string;
  fields: MastodonField[];
  follow_requests_count: number;
  hide_collections: boolean | null;
  discoverable: boolean | null;
  indexable: boolean;
}

export interface MastodonMediaAttachment {
  id: string;
  type: 'image' | 'gifv' | 'video' | 'audio' | 'unknown';
  url: string | null;
  preview_url: string | null;
  remote_url: string | null;
  preview_remote_url: string | null;
  text_url: string | null;
  meta: Record<string, unknown> | null;
  description: string | null;
  blurhash: string | null;
}

export interface MastodonMention {
  id: string;
  username: string;
  url: string;
  acct: string;
}

export interface MastodonTag {
  name: string;
  url: string;
}

export interface MastodonApplicationRef {
  name: string;
  website: string | null;
}

export interface MastodonPollOption {
  title: string;
  votes_count: number | null;
}

export interface MastodonPoll {
  id: string;
  expires_at: string | null;
  expired: boolean;
  multiple: boolean;
  votes_count: number;
  voters_count: number | null;
  options: MastodonPollOption[];
  emojis: never[];
  voted?: boolean;
  own_votes?: number[];
}

export type MastodonVisibility = 'public' | 'unlisted' | 'private' | 'direct';

export interface MastodonStatus {
  id: string;
  uri: string;
  url: string | null;
  created_at: string;
  account: MastodonAccount;
  content: string;
  visibility: MastodonVisibility;
  sensitive: boolean;
  spoiler_text: string;
  media_attachments: MastodonMediaAttachment[];
  application: MastodonApplicationRef | null;
  mentions: MastodonMention[];
  tags: MastodonTag[];
  emojis: never[];
  reblogs_count: number;
  favourites_count: number;
  replies_count: number;
  in_reply_to_id: string | null;
  in_reply_to_account_id: string | null;
  reblog: MastodonStatus | null;
  poll: MastodonPoll | null;
  card: null;
  language: string | null;
  text: string | null;
  edited_at: string | null;
  favourited?: boolean;
  reblogged?: boolean;
  muted?: boolean;
  bookmarked?: boolean;
  pinned?: boolean;
  filtered?: unknown[];
}

export interface MastodonList {
  id: string;
  title: string;
  replies_policy: 'followed' | 'list' | 'none';
  exclusive: boolean;
}

export interface MastodonConversation {
  id: string;
  unread: boolean;
  accounts: MastodonAccount[];
  last_status: MastodonStatus | null;
}

export interface MastodonStatusEdit {
  content: string;
  spoiler_text: string;
  sensitive: boolean;
  created_at: string;
  account: MastodonAccount;
  poll: { options: { title: string }[] } | null;
  media_attachments: MastodonMediaAttachment[];
  emojis: never[];
}

export interface MastodonStatusSource {
  id: string;
  text: string;
  spoiler_text: string;
}

export interface MastodonContext {
  ancestors: MastodonStatus[];
  descendants: MastodonStatus[];
}

export interface MastodonScheduledStatus {
  id: string;
  scheduled_at: string;
  params: {
    text: string;
    poll: { options: string[]; expires_in: number; multiple: boolean; hide_totals: boolean } | null;
    media_ids: string[] | null;
    sensitive: boolean | null;
    spoiler_text: string | null;
    visibility: MastodonVisibility;
    in_reply_to_id: string | null;
    language: string | null;
    application_id: string | null;
    scheduled_at: null;
    idempotency: null;
    with_rate_limit: boolean;
  };
  media_attachments: MastodonMediaAttachment[];
}

export interface MastodonRelationship {
  id: string;
  following: boolean;
  showing_reblogs: boolean;
  notifying: boolean;
  languages: string[] | null;
  followed_by: boolean;
  blocking: boolean;
  blocked_by: boolean;
  muting: boolean;
  muting_notifications: boolean;
  requested: boolean;
  requested_by: boolean;
  domain_blocking: boolean;
  endorsed: boolean;
  note: string;
}

/** The token `POST /api/v1/accounts` answers with, as `POST /oauth/token` does. */
export interface MastodonToken {
  access_token: string;
  token_type: 'Bearer';
  scope: string;
  created_at: number;
}

/** A hashtag as `/api/v1/tags` renders it (no usage history is kept here). */
export interface MastodonFollowableTag {
  id: string;
  name: string;
  url: string;
  history: never[];
  following?: boolean;
}

/** Mastodon's WebPushSubscription. */
export interface MastodonWebPushSubscription {
  id: string;
  endpoint: string;
  standard: boolean;
  alerts: Record<string, boolean>;
  policy: string;
  server_key: string;
}
