import { Lexer } from 'marked';
import { extractHashtags, extractMentions, MarkdownRenderer } from './markdown.renderer';

describe('MarkdownRenderer', () => {
  const renderer = new MarkdownRenderer();

  it('renders the allowed structure', () => {
    expect(renderer.render('Hello *world* and **you**\n\n- one\n- two\n\n> quoted\n\n`code`')).toBe(
      '<p>Hello <em>world</em> and <strong>you</strong></p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<blockquote>\n<p>quoted</p>\n</blockquote>\n<p><code>code</code></p>',
    );
  });

  it('removes anything executable', () => {
    const html = renderer.render(
      'hi <script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) <a href="https://ok.example" onclick="x()">ok</a>',
    );
    expect(html).not.toMatch(/script|onerror|onclick|javascript:|<img/);
    expect(html).toContain('<a href="https://ok.example" rel="nofollow noopener noreferrer">ok</a>');
  });

  it('links resolved mentions and hashtags, leaves unknown mentions as text', () => {
    const html = renderer.render('hey @Alice and @bob@remote.example and @nobody #Guild_Hall', {
      mentions: new Map([
        ['alice', 'https://g.test/@alice'],
        ['bob@remote.example', 'https://remote.example/@bob'],
      ]),
      hashtagUrl: (tag) => `https://g.test/tags/${tag}`,
    });
    expect(html).toBe(
      '<p>hey <span class="h-card" translate="no"><a href="https://g.test/@alice" class="u-url mention">@<span>Alice</span></a></span> and ' +
        '<span class="h-card" translate="no"><a href="https://remote.example/@bob" class="u-url mention">@<span>bob</span></a></span> and @nobody ' +
        '<a href="https://g.test/tags/guild_hall" class="mention hashtag" rel="tag">#<span>Guild_Hall</span></a></p>',
    );
  });

  it("gives Mastodon's rel only to its own mention and hashtag links, not to look-alikes in raw HTML", () => {
    const html = renderer.render(
      '<a href="https://spam.example" class="u-url mention" data-guildhall-link="x:mention">a</a> ' +
        '<a href="https://spam.example/t" class="mention hashtag" rel="tag">b</a>',
    );
    expect(html).toBe(
      '<p><a href="https://spam.example" class="u-url mention" rel="nofollow noopener noreferrer">a</a> ' +
        '<a href="https://spam.example/t" class="mention hashtag" rel="nofollow noopener noreferrer">b</a></p>',
    );
  });

  it('extracts mentions and hashtags, not emails, anchors or numbers', () => {
    expect(extractMentions('@Alice hi @bob@Remote.example, mail me: me@example.org @alice')).toEqual([
      { username: 'alice', domain: null },
      { username: 'bob', domain: 'remote.example' },
    ]);
    expect(extractHashtags('#One #one #2024 #café x#no https://a.example/#frag')).toEqual(['one', 'café']);
  });

  it('drops NUL characters from remote HTML (PostgreSQL text cannot store them)', () => {
    expect(renderer.sanitize('<p>a\u0000b <a href="https://x.example/\u0000">c</a></p>')).toBe(
      '<p>ab <a href="https://x.example/" rel="nofollow noopener noreferrer">c</a></p>',
    );
  });

  it('reduces HTML to text', () => {
    expect(renderer.toText('<p>One <strong>two</strong></p><p>three</p>')).toBe('One two\nthree');
  });

  describe('bounded work (ADR 0020)', () => {
    // Whether marked runs at all is what bounds the work: the refusal is one linear scan before
    // it. Asserted as calls, not milliseconds, so a loaded machine cannot fail it.
    const attempt = (source: string) => {
      const parse = jest.spyOn(Lexer.prototype, 'lex');
      try {
        const outcome = renderer.render(source, { hashtagUrl: (tag) => `https://g.test/tags/${tag}` });
        return { outcome, parsed: parse.mock.calls.length };
      } catch (error) {
        return { outcome: (error as Error).message, parsed: parse.mock.calls.length };
      } finally {
        parse.mockRestore();
      }
    };

    it.each([
      ['_a', '_a'.repeat(50_000), 'A paragraph has 50000 of the characters * _ ~ [, more than the 200 it may hold'],
      ['*a', '*a'.repeat(50_000), 'A paragraph has 50000 of the characters * _ ~ [, more than the 200 it may hold'],
      ['[', '['.repeat(100_000), 'A paragraph has 100000 of the characters * _ ~ [, more than the 200 it may hold'],
      ['a\\n', 'a\n'.repeat(50_000), 'A paragraph has 50000 lines, more than the 1000 it may hold'],
    ])(
      'refuses 100,000 characters of %s before marked sees them (seconds of marked before)',
      (_name, source, message) => {
        const { outcome, parsed } = attempt(source);
        expect(outcome).toBe(`${message}; split it with blank lines or put the text in a code block`);
        expect(parsed).toBe(0);
      },
    );

    it('renders what stays under the limits, code blocks not counted', () => {
      const paragraph = '_a'.repeat(100) + ' word'.repeat(19_960);
      expect(attempt(paragraph)).toEqual({ outcome: `<p>${'_a'.repeat(100)}${' word'.repeat(19_960)}</p>`, parsed: 1 });
      const code = '```\n' + '*'.repeat(5000) + '\n```\n\ntext';
      expect(attempt(code).outcome).toBe(`<pre><code>${'*'.repeat(5000)}\n</code></pre>\n<p>text</p>`);
    });

    it('still finds mentions and tags far into a long paragraph', () => {
      const long = `${'word '.repeat(1000)}${'x'.repeat(3000)} @alice #far`;
      const html = renderer.render(long, {
        mentions: new Map([['alice', 'https://g.test/@alice']]),
        hashtagUrl: (tag) => `https://g.test/tags/${tag}`,
      });
      expect(html).toContain(`${'x'.repeat(3000)} <span class="h-card" translate="no"><a href="https://g.test/@alice"`);
      expect(html).toContain('<a href="https://g.test/tags/far" class="mention hashtag"');
      expect(html.startsWith(`<p>${'word '.repeat(1000)}`)).toBe(true);
    });
  });
});
