/** The actors' collections (and inbox) Fedify serves under `/users/:username/`. */
const ACTOR_SUBPATHS = new Set(['inbox', 'outbox', 'followers', 'following', 'featured']);

/**
 * The route pattern of a path the federation handler answered, for metrics: a fixed set of
 * values, never the path itself (a refusal answers any path under `/users/` or `/posts/`).
 */
export function federationRoute(pathname: string): string {
  const [, first = '', second, third, ...rest] = pathname.split('/');
  if (rest.length > 0) return '/federation/other';
  switch (first) {
    case '.well-known':
      return second === 'webfinger' || second === 'host-meta' || second === 'nodeinfo'
        ? `/.well-known/${second}`
        : '/federation/other';
    case 'nodeinfo':
      return second !== undefined && third === undefined ? '/nodeinfo/:version' : '/federation/other';
    case 'actor':
    case 'inbox':
      return second === undefined ? `/${first}` : '/federation/other';
    case 'users':
      if (second === undefined) return '/federation/other';
      if (third === undefined) return '/users/:username';
      return ACTOR_SUBPATHS.has(third) ? `/users/:username/${third}` : '/users/:username/:other';
    case 'posts':
      if (second === undefined) return '/federation/other';
      if (third === undefined) return '/posts/:id';
      return third === 'activity' || third === 'replies' ? `/posts/:id/${third}` : '/posts/:id/:other';
    case 'follows':
      return second !== undefined && third === undefined ? '/follows/:id' : '/federation/other';
    default:
      return '/federation/other';
  }
}
