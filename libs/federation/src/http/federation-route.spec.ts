import { federationRoute } from './federation-route';

describe('federationRoute', () => {
  it.each([
    ['/.well-known/webfinger', '/.well-known/webfinger'],
    ['/.well-known/nodeinfo', '/.well-known/nodeinfo'],
    ['/nodeinfo/2.1', '/nodeinfo/:version'],
    ['/actor', '/actor'],
    ['/inbox', '/inbox'],
    ['/users/alice', '/users/:username'],
    ['/users/alice/inbox', '/users/:username/inbox'],
    ['/users/bob/followers', '/users/:username/followers'],
    ['/users/bob/anythingatall', '/users/:username/:other'],
    ['/posts/0190a1b2-0000-7000-8000-000000000000', '/posts/:id'],
    ['/posts/0190a1b2-0000-7000-8000-000000000000/activity', '/posts/:id/activity'],
    ['/posts/x/zzz', '/posts/:id/:other'],
    ['/follows/abc', '/follows/:id'],
    ['/users/a/b/c', '/federation/other'],
    ['/somewhere', '/federation/other'],
  ])('%s is %s', (path, route) => {
    expect(federationRoute(path)).toBe(route);
  });
});
