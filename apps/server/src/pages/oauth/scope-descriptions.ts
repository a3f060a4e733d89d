/** Mastodon's scopes in plain words, for the consent and authorized-apps pages. */
const WHOLE: Record<string, string> = {
  read: 'Read everything your account can see: posts, timelines, profile, follows, lists, notifications',
  write: 'Post, edit and delete for you; follow, favourite, boost, change your profile and settings',
  follow: 'Follow, unfollow, block and mute accounts for you',
  push: 'Receive your notifications as push messages',
  profile: 'See your profile (name, handle, avatar)',
};

const AREA: Record<string, string> = {
  accounts: 'accounts and your profile',
  blocks: 'blocks',
  bookmarks: 'bookmarks',
  conversations: 'conversations',
  favourites: 'favourites',
  filters: 'filters',
  follows: 'follows',
  lists: 'lists',
  media: 'media uploads',
  mutes: 'mutes',
  notifications: 'notifications',
  reports: 'reports',
  search: 'search',
  statuses: 'posts',
};

export function describeScope(scope: string): string {
  const whole = WHOLE[scope];
  if (whole) return whole;
  const [kind, area] = scope.split(':');
  const what = AREA[area] ?? area;
  if (kind === 'read') return `Read your ${what}`;
  if (kind === 'write') return `Change your ${what}`;
  return scope;
}
