import type { PostingLine } from './posting-line';

/**
 * An entry's posting lines as columns: a close posts three lines per member (2.7 million at a
 * million members), which as objects held ~130 MB and, turned into the statement's parameters,
 * as much again in arrays of strings (ADR 0075). Accounts and vintages are a handful each, kept
 * once and numbered from 1 in the order met; member ids are the callers' strings, not copies.
 * A line of 0 is no posting and is not kept.
 */
export class PostingColumns {
  /** The accounts met, in order: a line's account is `accounts[accountCode − 1]`. */
  readonly accounts: string[] = [];
  /** The vintages met (none is null), in order: a line's is `vintages[vintageCode − 1]`. */
  readonly vintages: (string | null)[] = [];
  private readonly memberIds: (string | null)[] = [];
  private accountCodes: Uint16Array;
  private vintageCodes: Uint16Array;
  private amounts: Float64Array;
  private readonly accountIndex = new Map<string, number>();
  private readonly vintageIndex = new Map<string | null, number>();

  /** `capacity`: how many lines are expected (more are taken all the same). */
  constructor(capacity = 16) {
    this.accountCodes = new Uint16Array(capacity);
    this.vintageCodes = new Uint16Array(capacity);
    this.amounts = new Float64Array(capacity);
  }

  static of(lines: readonly PostingLine[]): PostingColumns {
    const columns = new PostingColumns(lines.length);
    for (const line of lines) columns.add(line.account, line.amount, line.memberId, line.vintage);
    return columns;
  }

  /** How many lines there are (lines of 0 were not kept). */
  get count(): number {
    return this.memberIds.length;
  }

  add(account: string, amount: number, memberId: string | null = null, vintage: string | null = null): void {
    if (amount === 0) return;
    const at = this.memberIds.length;
    if (at === this.amounts.length) this.grow();
    this.accountCodes[at] = code(this.accountIndex, this.accounts, account);
    this.vintageCodes[at] = code(this.vintageIndex, this.vintages, vintage ?? null);
    this.amounts[at] = amount;
    this.memberIds.push(memberId ?? null);
  }

  amount(i: number): number {
    return this.amounts[i];
  }

  /** The lines as objects (for tests and small entries). */
  toArray(): PostingLine[] {
    const lines: PostingLine[] = [];
    for (let i = 0; i < this.count; i++) {
      const line: PostingLine = { account: this.accounts[this.accountCodes[i] - 1], amount: this.amounts[i] };
      if (this.memberIds[i] !== null) line.memberId = this.memberIds[i];
      const vintage = this.vintages[this.vintageCodes[i] - 1];
      if (vintage !== null) line.vintage = vintage;
      lines.push(line);
    }
    return lines;
  }

  /**
   * Lines `start` to `end` (excluded) as comma-separated texts for a statement: the codes (from
   * 1), the member ids ('' for none) and the amounts, in line order. Neither a code, a uuid nor
   * an integer can hold a comma.
   */
  texts(
    start: number,
    end: number,
  ): { accountCodes: string; vintageCodes: string; memberIds: string; amounts: string } {
    return {
      accountCodes: this.accountCodes.subarray(start, end).join(','),
      vintageCodes: this.vintageCodes.subarray(start, end).join(','),
      memberIds: this.memberIds.slice(start, end).join(','),
      amounts: this.amounts.subarray(start, end).join(','),
    };
  }

  private grow(): void {
    const capacity = Math.max(16, this.amounts.length * 2);
    const grown = <T extends Uint16Array | Float64Array>(column: T, make: (n: number) => T): T => {
      const copy = make(capacity);
      copy.set(column);
      return copy;
    };
    this.accountCodes = grown(this.accountCodes, (n) => new Uint16Array(n));
    this.vintageCodes = grown(this.vintageCodes, (n) => new Uint16Array(n));
    this.amounts = grown(this.amounts, (n) => new Float64Array(n));
  }
}

/** The code (from 1) of `value` in a dictionary, adding it on first sight. */
function code<T>(index: Map<T, number>, values: T[], value: T): number {
  let found = index.get(value);
  if (found === undefined) {
    if (values.length === 0xffff) throw new RangeError('more than 65,535 accounts or vintages in one entry');
    index.set(value, (found = values.push(value)));
  }
  return found;
}
