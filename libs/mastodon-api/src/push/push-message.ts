import type { PushAlert } from './push-subscription.params';

/** Mastodon's notification titles (its `notification_mailer.<type>.subject`, English). */
const TITLES: Record<PushAlert, (name: string) => string> = {
  mention: (name) => `You were mentioned by ${name}`,
  status: (name) => `${name} just posted`,
  reblog: (name) => `${name} boosted your post`,
  follow: (name) => `${name} is now following you`,
  follow_request: (name) => `Pending follower: ${name}`,
  favourite: (name) => `${name} favorited your post`,
  poll: (name) => `A poll by ${name} has ended`,
  update: (name) => `${name} edited a post`,
  'admin.sign_up': (name) => `${name} signed up`,
  'admin.report': (name) => `New report from ${name}`,
};

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
const MAX_BODY = 140;

export function pushTitle(type: PushAlert, name: string): string {
  return TITLES[type](name);
}

/** HTML to plain text, entities decoded, cut to 140 characters with "..." (Rails' `truncate`). */
export function pushBody(html: string): string {
  const text = html
    .replace(/<br\s*\/?>|<\/p>\s*<p[^>]*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, code: string) => {
      if (code.startsWith('#x') || code.startsWith('#X')) return String.fromCodePoint(parseInt(code.slice(2), 16));
      if (code.startsWith('#')) return String.fromCodePoint(parseInt(code.slice(1), 10));
      return ENTITIES[code.toLowerCase()] ?? entity;
    })
    .trim();
  const chars = [...text];
  return chars.length > MAX_BODY ? `${chars.slice(0, MAX_BODY - 3).join('')}...` : text;
}
