/**
 * Numbers, money and dates for the reader's locale (Accept-Language), with Intl. Money is
 * always integer cents: it is formatted from an exact decimal string, never from a float.
 */
const FALLBACK_LOCALE = 'en';

/** The first supported locale of an Accept-Language header, or English. */
export function localeOf(acceptLanguage: string | undefined): string {
  if (!acceptLanguage) return FALLBACK_LOCALE;
  const ranked = acceptLanguage
    .split(',')
    .slice(0, 12)
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.trim(), q: q ? Number(q.slice(2)) : 1 };
    })
    .filter(({ tag, q }) => /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(tag) && q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    try {
      const [supported] = Intl.NumberFormat.supportedLocalesOf(tag);
      if (supported) return supported;
    } catch {
      // a malformed tag: try the next
    }
  }
  return FALLBACK_LOCALE;
}

/** `12345` cents → `"123.45"`, exactly, for any integer (number, bigint or decimal string). */
export function centsToDecimal(cents: number | bigint | string): string {
  const value = BigInt(cents);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const text = `${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
  return negative ? `-${text}` : text;
}

export class Formatter {
  private readonly integers: Intl.NumberFormat;
  private readonly dates: Intl.DateTimeFormat;
  private readonly dateTimes: Intl.DateTimeFormat;
  private readonly moneyFormats = new Map<string, Intl.NumberFormat>();

  /** `currency`: the instance's (COOP_CURRENCY), used when `money` is given none. */
  constructor(
    readonly locale: string,
    readonly currency = 'EUR',
  ) {
    this.integers = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
    this.dates = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
    this.dateTimes = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
  }

  /** An integer count (units, points, members): exact for bigints and decimal strings too. */
  integer(value: number | bigint | string): string {
    // Intl formats decimal strings exactly (no float rounding for large unit counts).
    return this.integers.format(String(value) as unknown as number);
  }

  /** Money from integer cents, e.g. `money(123456, 'EUR')` → `€1,234.56` in en. */
  money(cents: number | bigint | string, currency: string = this.currency): string {
    let format = this.moneyFormats.get(currency);
    if (!format) {
      format = new Intl.NumberFormat(this.locale, { style: 'currency', currency });
      this.moneyFormats.set(currency, format);
    }
    return format.format(centsToDecimal(cents) as unknown as number);
  }

  /** A ratio (0.25 → 25%), with up to `digits` fraction digits. */
  percent(ratio: number, digits = 1): string {
    return new Intl.NumberFormat(this.locale, { style: 'percent', maximumFractionDigits: digits }).format(ratio);
  }

  date(value: Date | string): string {
    return this.dates.format(typeof value === 'string' ? new Date(value) : value);
  }

  dateTime(value: Date | string): string {
    return `${this.dateTimes.format(typeof value === 'string' ? new Date(value) : value)} UTC`;
  }
}
