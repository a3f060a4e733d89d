import { ContentErrorCode, ContentException } from '../content.exception';

export interface ProfileField {
  name: string;
  value: string;
}

/** http(s) URLs in a field value; trailing punctuation is left out of the link. */
const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"']+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?)\]]+$/;

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A field value as HTML: the text escaped, http(s) URLs made into links. Nothing the member
 * typed can become markup; the caller still passes the result through the sanitizer.
 */
export function fieldValueHtml(text: string): string {
  let html = '';
  let last = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    const url = match[0].replace(TRAILING_PUNCTUATION, '');
    if (!URL.canParse(url)) continue;
    html += escapeHtml(text.slice(last, match.index));
    html += `<a href="${escapeHtml(url)}" rel="nofollow noopener noreferrer" translate="no">${escapeHtml(url)}</a>`;
    last = match.index + url.length;
  }
  return html + escapeHtml(text.slice(last));
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/**
 * A stored field value (the HTML fieldValueHtml made) back as the text the member typed, for an
 * edit form: tags dropped, character references decoded.
 */
export function fieldValueText(html: string): string {
  return html.replace(/<[^>]*>/g, '').replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] !== '#') return NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/**
 * Trims fields and drops wholly blank ones (clients send empty rows); a value without a name is
 * refused. Values become HTML through `toHtml`.
 */
export function normalizeFields(fields: readonly ProfileField[], toHtml: (value: string) => string): ProfileField[] {
  const result: ProfileField[] = [];
  for (const field of fields) {
    const name = field.name.trim();
    const value = field.value.trim();
    if (!name && !value) continue;
    if (!name) throw new ContentException(ContentErrorCode.InvalidProfile, 'A profile field needs a name');
    result.push({ name, value: value ? toHtml(value) : '' });
  }
  return result;
}
