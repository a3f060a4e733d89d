/** Why an amount was refused, in words for the form. */
export type AmountParse = { cents: number } | { error: string };

const AMOUNT = /^(\d{1,13})(?:[.,](\d{1,2}))?$/;

/**
 * A decimal amount as a steward types it (`1234.5`, `1234,50`, `12`) → integer cents, exactly:
 * digits only, one decimal point or comma with at most two digits after it; no thousands
 * separators (`1,234` is refused rather than guessed), no signs, no floats involved. Zero is
 * refused unless `zero` (a threshold may be nothing; a payment may not).
 */
export function parseAmount(text: string, { zero = false }: { zero?: boolean } = {}): AmountParse {
  const trimmed = text.trim();
  if (!trimmed) return { error: 'Enter the amount.' };
  const match = AMOUNT.exec(trimmed);
  if (!match) {
    return { error: 'Write the amount with digits and at most two decimals, e.g. 1234.50 (no thousands separators).' };
  }
  const cents = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(cents)) return { error: 'The amount is too large.' };
  if (cents === 0 && !zero) return { error: 'The amount must be more than zero.' };
  return { cents };
}
