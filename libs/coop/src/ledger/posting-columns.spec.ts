import fc from 'fast-check';
import { PostingColumns } from './posting-columns';
import { assertBalanced, type PostingLine } from './posting-line';

const line = fc.record(
  {
    account: fc.constantFrom('cash', 'capital', 'patronage_payable', 'unvested'),
    memberId: fc.option(fc.uuid(), { nil: undefined }),
    vintage: fc.option(fc.constantFrom('2026-11', '2026-12'), { nil: undefined }),
    amount: fc.integer({ min: -1_000_000, max: 1_000_000 }),
  },
  { requiredKeys: ['account', 'amount'] },
);

describe('PostingColumns', () => {
  it('keeps every line but those of 0, in order, as the objects it was given', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 60 }), fc.nat(40), (lines, capacity) => {
        const columns = new PostingColumns(capacity);
        for (const l of lines) columns.add(l.account, l.amount, l.memberId, l.vintage);
        const kept = lines.filter((l) => l.amount !== 0);
        expect(columns.count).toBe(kept.length);
        expect(columns.toArray()).toEqual(kept);
        expect(PostingColumns.of(lines).toArray()).toEqual(kept);
      }),
      { numRuns: 300 },
    );
  });

  it('writes the statement texts: codes from 1 in the order met, empty member ids, integers', () => {
    const columns = PostingColumns.of([
      { account: 'cash', amount: 250_000_000 },
      { account: 'capital', memberId: 'c88afd3c-e845-4cac-a9b6-2d923ed27147', vintage: '2026-12', amount: -182 },
      { account: 'reserve', amount: 0 },
      { account: 'cash', memberId: null, vintage: null, amount: -249_999_818 },
    ]);
    expect(columns.accounts).toEqual(['cash', 'capital']);
    expect(columns.vintages).toEqual([null, '2026-12']);
    expect(columns.texts(0, columns.count)).toEqual({
      accountCodes: '1,2,1',
      vintageCodes: '1,2,1',
      memberIds: ',c88afd3c-e845-4cac-a9b6-2d923ed27147,',
      amounts: '250000000,-182,-249999818',
    });
  });

  it('is checked for balance as the lines are', () => {
    const lines: PostingLine[] = [
      { account: 'cash', amount: 5 },
      { account: 'capital', amount: -3 },
    ];
    expect(() => assertBalanced('close:x', PostingColumns.of(lines))).toThrow(
      'journal entry close:x does not balance: its postings sum to 2',
    );
    expect(() =>
      assertBalanced('close:x', PostingColumns.of([...lines, { account: 'reserve', amount: -2 }])),
    ).not.toThrow();
    expect(() => assertBalanced('close:x', PostingColumns.of([{ account: 'cash', amount: 0.5 }]))).toThrow(
      'close:x: amount 0.5 is not a safe integer',
    );
    expect(() => assertBalanced('close:x', PostingColumns.of([{ account: 'cash', amount: Number.NaN }]))).toThrow(
      'close:x: amount NaN is not a safe integer',
    );
  });

  it('refuses more accounts or vintages than its codes hold', () => {
    const columns = new PostingColumns();
    for (let i = 0; i < 0xffff; i++) columns.add('cash', 1, null, `v${i}`);
    expect(() => columns.add('cash', 1, null, 'one too many')).toThrow(RangeError);
    expect(columns.count).toBe(0xffff);
  });
});
