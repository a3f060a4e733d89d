import { formTargetOf, oauthPageCsp, safeReturnTo } from './oauth-page';

describe('OAuth page helpers', () => {
  it.each([
    ['/oauth/authorize?client_id=a&scope=read', '/oauth/authorize?client_id=a&scope=read'],
    ['/oauth/authorized_applications', '/oauth/authorized_applications'],
    ['//evil.example/x', '/oauth/authorized_applications'],
    ['/\\evil.example', '/oauth/authorized_applications'],
    ['https://evil.example/', '/oauth/authorized_applications'],
    ['/a b', '/oauth/authorized_applications'],
    [undefined, '/oauth/authorized_applications'],
    [['/x'], '/oauth/authorized_applications'],
  ])('sends a signed-in browser back to %p as %p (this site only)', (given, expected) => {
    expect(safeReturnTo(given)).toBe(expected);
  });

  it.each([
    ['https://app.example:8443/cb?x=1', 'https://app.example:8443'],
    ['http://127.0.0.1:4000/callback', 'http://127.0.0.1:4000'],
    ['elk://oauth/callback', 'elk:'],
    ['com.example.app:/oauth', 'com.example.app:'],
    ['urn:ietf:wg:oauth:2.0:oob', null],
  ])('allows the consent form to lead to %p as %p', (uri, target) => {
    expect(formTargetOf(uri)).toBe(target);
  });

  it('adds the target to form-action only', () => {
    expect(oauthPageCsp('https://app.example')).toBe(
      "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; " +
        "form-action 'self' https://app.example; frame-ancestors 'none'",
    );
  });
});
