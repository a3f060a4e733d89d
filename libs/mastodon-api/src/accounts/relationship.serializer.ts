import type { Relationship } from '@guildhall/social';
import type { MastodonRelationship } from '../serializers/mastodon-entities';

/**
 * How the viewer relates to account `id`, as Mastodon renders it, with the per-follow options
 * (`reblogs`, `notify`, `languages`); Guildhall has no endorsements and no notes.
 */
export function toMastodonRelationship(id: string, relationship: Relationship | null): MastodonRelationship {
  const r = relationship ?? {
    following: false,
    requested: false,
    followedBy: false,
    requestedBy: false,
    blocking: false,
    blockedBy: false,
    muting: false,
    mutingNotifications: false,
    domainBlocking: false,
    showingReblogs: false,
    notifying: false,
    languages: null,
  };
  return {
    id,
    following: r.following,
    showing_reblogs: r.showingReblogs,
    notifying: r.notifying,
    languages: r.languages,
    followed_by: r.followedBy,
    blocking: r.blocking,
    blocked_by: r.blockedBy,
    muting: r.muting,
    muting_notifications: r.mutingNotifications,
    requested: r.requested,
    requested_by: r.requestedBy,
    domain_blocking: r.domainBlocking,
    endorsed: false,
    note: '',
  };
}
