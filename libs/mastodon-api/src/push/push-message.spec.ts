import { pushBody, pushTitle } from './push-message';

describe('push message', () => {
  it('turns HTML into plain text with entities decoded', () => {
    expect(pushBody('<p>Tea &amp; <em>cake</em> &#8212; &quot;now&quot;&#x21;</p><p>Next</p>')).toBe(
      'Tea & cake — "now"!\nNext',
    );
  });

  it('cuts at 140 characters with "..." as Rails truncate does, counting code points', () => {
    const long = '😀'.repeat(150);
    const body = pushBody(long);
    expect([...body]).toHaveLength(140);
    expect(body.endsWith('😀...')).toBe(true);
    expect(pushBody('x'.repeat(140))).toBe('x'.repeat(140));
  });

  it("titles a notification as Mastodon's mailer subjects do", () => {
    expect(pushTitle('favourite', 'Bob')).toBe('Bob favorited your post');
    expect(pushTitle('follow_request', 'Bob')).toBe('Pending follower: Bob');
    expect(pushTitle('mention', 'Bob')).toBe('You were mentioned by Bob');
  });
});
