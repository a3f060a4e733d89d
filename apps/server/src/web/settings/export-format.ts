import type { ExportedPost } from '@guildhall/content';
import type { MemberLedgerRow } from '@guildhall/coop';
import { centsToDecimal } from '../format';

/** A number cell: written as is (a spreadsheet reads it as a number), never prefixed. */
export class CsvNumber {
  constructor(readonly text: string) {
    if (!/^-?\d+(\.\d+)?$/.test(text)) throw new Error(`not a number: ${text}`);
  }
}

export type CsvCell = string | number | bigint | CsvNumber | Date | null | undefined;

/** Text a spreadsheet would run as a formula (OWASP CSV injection): = + - @, tab and CR. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One RFC 4180 field. Text that a spreadsheet would read as a formula gets a leading `'`;
 * a field with a comma, quote, CR or LF is quoted with its quotes doubled. Numbers (CsvNumber,
 * number, bigint) are written bare; dates as ISO 8601 UTC.
 */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (value instanceof CsvNumber) return value.text;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  let text = value instanceof Date ? value.toISOString() : value;
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV record, CRLF-terminated (RFC 4180). */
export function csvRecord(cells: readonly CsvCell[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export const POSTS_CSV_HEADER = [
  'id',
  'uri',
  'created_at',
  'edited_at',
  'kind',
  'visibility',
  'title',
  'content_warning',
  'language',
  'text',
  'in_reply_to',
  'boost_of',
  'likes',
  'boosts',
  'replies',
];

export function postCsvRecord(post: ExportedPost): string {
  return csvRecord([
    post.id,
    post.uri,
    post.createdAt,
    post.editedAt,
    post.kind,
    post.visibility,
    post.title,
    post.contentWarning,
    post.language,
    post.text,
    post.inReplyTo,
    post.boostOf,
    post.likes,
    post.boosts,
    post.replies,
  ]);
}

export function postJson(post: ExportedPost): Record<string, unknown> {
  return {
    id: post.id,
    uri: post.uri,
    createdAt: post.createdAt.toISOString(),
    editedAt: post.editedAt?.toISOString() ?? null,
    kind: post.kind,
    visibility: post.visibility,
    title: post.title,
    contentWarning: post.contentWarning,
    language: post.language,
    text: post.text,
    html: post.html,
    inReplyTo: post.inReplyTo,
    boostOf: post.boostOf,
    likes: post.likes,
    boosts: post.boosts,
    replies: post.replies,
  };
}

export const LEDGER_CSV_HEADER = [
  'posting',
  'posted_at',
  'entry',
  'ledger',
  'period',
  'period_id',
  'account',
  'vintage',
  'side',
  'amount_cents',
  'amount',
  'units',
];

const side = (amount: string) => (amount.startsWith('-') ? 'credit' : 'debit');

/**
 * A posting: money as integer cents and the same amount as an exact decimal (from the integer,
 * never a float); units as an integer. Debit positive, credit negative, as the ledger stores it.
 */
export function ledgerCsvRecord(line: MemberLedgerRow): string {
  const money = line.ledger === 'money';
  return csvRecord([
    new CsvNumber(line.id),
    line.createdAt,
    line.entryKey,
    line.ledger,
    line.periodSeq,
    line.periodId,
    line.account,
    line.vintage,
    side(line.amount),
    money ? new CsvNumber(line.amount) : null,
    money ? new CsvNumber(centsToDecimal(line.amount)) : null,
    money ? null : new CsvNumber(line.amount),
  ]);
}

export function ledgerJson(line: MemberLedgerRow): Record<string, unknown> {
  const base = {
    posting: Number(line.id),
    postedAt: line.createdAt.toISOString(),
    entry: line.entryKey,
    ledger: line.ledger,
    period: line.periodSeq,
    periodId: line.periodId,
    account: line.account,
    vintage: line.vintage,
    side: side(line.amount),
  };
  return line.ledger === 'money'
    ? { ...base, amountCents: Number(line.amount), amount: centsToDecimal(line.amount) }
    : { ...base, units: Number(line.amount) };
}

/**
 * A JSON document `{ ...head, [key]: [items…] }` written a batch at a time, so a long history
 * is never held in memory whole.
 */
export async function* jsonDocument<T>(
  head: Record<string, unknown>,
  key: string,
  batches: AsyncIterable<T[]>,
  toJson: (item: T) => unknown,
): AsyncGenerator<string> {
  const opening = JSON.stringify({ ...head, [key]: [] });
  yield `${opening.slice(0, -2)}\n`;
  let first = true;
  for await (const batch of batches) {
    const items = batch.map((item) => JSON.stringify(toJson(item)));
    if (!items.length) continue;
    yield `${first ? '' : ',\n'}${items.join(',\n')}`;
    first = false;
  }
  yield '\n]}\n';
}

/** A CSV document: the header, then each batch's records. */
export async function* csvDocument<T>(
  header: readonly string[],
  batches: AsyncIterable<T[]>,
  toRecord: (item: T) => string,
): AsyncGenerator<string> {
  yield csvRecord(header);
  for await (const batch of batches) yield batch.map(toRecord).join('');
}
