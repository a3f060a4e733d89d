import { escapeHtml, httpUrl, markup, sanitized } from './html';

describe('markup', () => {
  it('escapes interpolated text, including quotes for attributes', () => {
    const name = `<b>Bold & "quoted"</b> 'x'`;
    expect(markup`<p title="${name}">${name}</p>`.value).toBe(
      '<p title="&lt;b&gt;Bold &amp; &quot;quoted&quot;&lt;/b&gt; &#39;x&#39;">&lt;b&gt;Bold &amp; &quot;quoted&quot;&lt;/b&gt; &#39;x&#39;</p>',
    );
    expect(escapeHtml('a&b')).toBe('a&amp;b');
  });

  it('inserts nested fragments and sanitized HTML as they are, and drops empty values', () => {
    const items = ['<a>', 'b'].map((item) => markup`<li>${item}</li>`);
    const out = markup`<ul>${items}</ul>${null}${false}${undefined}${sanitized('<p>ok</p>')}${3}`;
    expect(out.value).toBe('<ul><li>&lt;a&gt;</li><li>b</li></ul><p>ok</p>3');
  });

  it('keeps only http(s) URLs', () => {
    expect(httpUrl('https://example.org/a')).toBe('https://example.org/a');
    expect(httpUrl('javascript:alert(1)')).toBeNull();
    expect(httpUrl('not a url')).toBeNull();
    expect(httpUrl(null)).toBeNull();
  });
});
