import { alternateFromHtml, alternateFromLinkHeader, isActivityPubType } from './alternate-link';

const PAGE = 'https://remote.example/@bob/123';

describe('alternate links to ActivityPub documents', () => {
  it('recognizes ActivityPub media types', () => {
    expect(isActivityPubType('application/activity+json; charset=utf-8')).toBe(true);
    expect(isActivityPubType('application/ld+json')).toBe(true);
    expect(isActivityPubType('application/ld+json', true)).toBe(false);
    expect(isActivityPubType('application/ld+json; profile="https://www.w3.org/ns/activitystreams"', true)).toBe(true);
    expect(isActivityPubType('text/html; charset=utf-8')).toBe(false);
    expect(isActivityPubType(null)).toBe(false);
  });

  it('reads the alternate link of an HTML page, resolved against the page, entities decoded', () => {
    const html = `<!doctype html><html><head>
      <link rel="stylesheet" href="/a.css">
      <link href='https://remote.example/feed.xml' rel=alternate type="application/rss+xml">
      <LINK TYPE="application/activity+json" REL="alternate nofollow" HREF="/users/bob/statuses/123?a=1&amp;b=2">
      </head><body></body></html>`;
    expect(alternateFromHtml(html, PAGE)).toBe('https://remote.example/users/bob/statuses/123?a=1&b=2');
  });

  it('takes application/ld+json only with the ActivityStreams profile, and nothing from a page without one', () => {
    const profiled =
      '<link rel="alternate" type="application/ld+json; profile=&quot;https://www.w3.org/ns/activitystreams&quot;" href="https://remote.example/n/1">';
    expect(alternateFromHtml(profiled, PAGE)).toBe('https://remote.example/n/1');
    expect(alternateFromHtml('<link rel="alternate" type="application/ld+json" href="/n/1">', PAGE)).toBeNull();
    expect(alternateFromHtml('<link rel="canonical" type="application/activity+json" href="/n/1">', PAGE)).toBeNull();
    expect(alternateFromHtml('<p>no links</p>', PAGE)).toBeNull();
  });

  it('reads a Link header', () => {
    const header =
      '<https://remote.example/@bob.rss>; rel="alternate"; type="application/rss+xml", ' +
      '</users/bob/statuses/123>; rel="alternate"; type="application/activity+json"';
    expect(alternateFromLinkHeader(header, PAGE)).toBe('https://remote.example/users/bob/statuses/123');
    expect(alternateFromLinkHeader('<https://remote.example/x>; rel="canonical"', PAGE)).toBeNull();
    expect(alternateFromLinkHeader(null, PAGE)).toBeNull();
  });
});
