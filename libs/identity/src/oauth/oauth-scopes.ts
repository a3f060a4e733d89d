/**
 * Mastodon's OAuth scopes: `read`, `write`, `follow`, `push`, `profile` and their granular forms
 * (`read:statuses`…). A granted scope covers a required one when it is the same, or its parent
 * (`read` covers `read:statuses`), or, for the legacy `follow`, the follow, block and mute scopes.
 */
const GRANULAR = {
  read: [
    'accounts',
    'blocks',
    'bookmarks',
    'favourites',
    'filters',
    'follows',
    'lists',
    'mutes',
    'notifications',
    'search',
    'statuses',
  ],
  write: [
    'accounts',
    'blocks',
    'bookmarks',
    'conversations',
    'favourites',
    'filters',
    'follows',
    'lists',
    'media',
    'mutes',
    'notifications',
    'reports',
    'statuses',
  ],
  admin: [],
} as const;

const FOLLOW_COVERS = new Set([
  'read:blocks',
  'write:blocks',
  'read:follows',
  'write:follows',
  'read:mutes',
  'write:mutes',
]);

export const KNOWN_SCOPES: ReadonlySet<string> = new Set([
  'read',
  'write',
  'follow',
  'push',
  'profile',
  ...GRANULAR.read.map((s) => `read:${s}`),
  ...GRANULAR.write.map((s) => `write:${s}`),
]);

/** What `POST /api/v1/apps` grants when no scopes are named (Mastodon's default). */
export const DEFAULT_SCOPES = ['read'];

/** Splits a space-separated scope string; undefined/empty gives `fallback`. Unknown names are returned as `unknown`. */
export function parseScopes(value: unknown, fallback: readonly string[] = DEFAULT_SCOPES) {
  const text = Array.isArray(value) ? value.join(' ') : typeof value === 'string' ? value : '';
  const names = [...new Set(text.split(/[\s+]+/).filter(Boolean))];
  if (names.length === 0) return { scopes: [...fallback], unknown: [] as string[] };
  return { scopes: names.filter((s) => KNOWN_SCOPES.has(s)), unknown: names.filter((s) => !KNOWN_SCOPES.has(s)) };
}

/** Whether `granted` covers `required` (null = a first-party session: everything). */
export function scopeAllows(granted: readonly string[] | null, required: string): boolean {
  if (granted === null) return true;
  if (granted.includes(required)) return true;
  const [parent] = required.split(':');
  if (required.includes(':') && granted.includes(parent)) return true;
  return granted.includes('follow') && FOLLOW_COVERS.has(required);
}

/** Whether every requested scope is within what the app registered. */
export function scopesWithin(requested: readonly string[], allowed: readonly string[]): boolean {
  return requested.every((scope) => scopeAllows(allowed, scope));
}
