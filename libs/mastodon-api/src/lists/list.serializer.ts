import type { ListEntity } from '@guildhall/social';
import type { MastodonList } from '../serializers/mastodon-entities';

/** A list as Mastodon renders it. */
export function toMastodonList(list: ListEntity): MastodonList {
  return { id: list.id, title: list.title, replies_policy: list.repliesPolicy, exclusive: list.exclusive };
}
