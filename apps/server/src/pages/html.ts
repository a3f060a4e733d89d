/**
 * A tiny HTML builder (`markup`, not `html`: Prettier would reformat an `html` tagged template
 * as HTML and change the output): every interpolated value is escaped unless it is already `SafeHtml`
 * (markup built here, or HTML that went through the content sanitizer — see `sanitized`).
 */
export class SafeHtml {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

export type Interpolation = SafeHtml | string | number | null | undefined | false | readonly Interpolation[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]);
}

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function markup(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0];
  values.forEach((value, index) => (out += render(value) + strings[index + 1]));
  return new SafeHtml(out);
}

/**
 * Marks HTML produced by the content lib's sanitizer (post content, bio, profile field values)
 * as safe to insert unescaped. Never pass anything else: plain text goes through `html`.
 */
export function sanitized(value: string | null): SafeHtml {
  return new SafeHtml(value ?? '');
}

/** An http(s) URL for an attribute, or null: a stored remote URL could be `javascript:` or junk. */
export function httpUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:' ? value : null;
  } catch {
    return null;
  }
}
