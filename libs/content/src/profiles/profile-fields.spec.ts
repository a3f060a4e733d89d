import { MarkdownRenderer } from '@guildhall/core';
import { ContentException } from '../content.exception';
import { fieldValueHtml, fieldValueText, normalizeFields } from './profile-fields';

describe('fieldValueHtml', () => {
  const markdown = new MarkdownRenderer();
  const render = (text: string) => markdown.sanitize(fieldValueHtml(text));

  it('escapes text and links http(s) URLs, leaving trailing punctuation out', () => {
    expect(render('See https://example.org/a?b=1&c=2.')).toBe(
      'See <a href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener noreferrer" translate="no">https://example.org/a?b=1&amp;c=2</a>.',
    );
  });

  it('never lets markup through', () => {
    expect(render('<script>alert(1)</script> <b>bold</b>')).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt;',
    );
    expect(render('javascript:alert(1) http://x.test/"onmouseover="y')).toBe(
      'javascript:alert(1) <a href="http://x.test/" rel="nofollow noopener noreferrer" translate="no">http://x.test/</a>"onmouseover="y',
    );
  });
});

describe('normalizeFields', () => {
  it('trims, drops blank rows and renders values', () => {
    expect(
      normalizeFields(
        [
          { name: ' Site ', value: ' x ' },
          { name: ' ', value: '' },
          { name: 'Empty', value: '' },
        ],
        (v) => `<${v}>`,
      ),
    ).toEqual([
      { name: 'Site', value: '<x>' },
      { name: 'Empty', value: '' },
    ]);
  });

  it('refuses a value without a name', () => {
    expect(() => normalizeFields([{ name: '', value: 'orphan' }], (v) => v)).toThrow(ContentException);
  });
});

describe('fieldValueText', () => {
  const markdown = new MarkdownRenderer();

  it('gives back the text a member typed from the stored HTML', () => {
    for (const typed of ['See https://example.org/a?b=1&c=2.', '<b>"quoted"</b> & \'single\'', 'plain', '']) {
      expect(fieldValueText(markdown.sanitize(fieldValueHtml(typed)))).toBe(typed);
    }
  });

  it('decodes numeric references and leaves unknown ones', () => {
    expect(fieldValueText('&#39;a&#x27; &copy; &#0;')).toBe("'a' &copy; &#0;");
  });
});
