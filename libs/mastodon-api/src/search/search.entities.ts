import type { MastodonAccount, MastodonStatus } from '../serializers/mastodon-entities';

/** Mastodon's `Tag` as search renders it; Guildhall keeps no per-day usage history. */
export interface MastodonHashtag {
  name: string;
  url: string;
  history: { day: string; uses: string; accounts: string }[];
}

export interface MastodonSearchResults {
  accounts: MastodonAccount[];
  statuses: MastodonStatus[];
  hashtags: MastodonHashtag[];
}
