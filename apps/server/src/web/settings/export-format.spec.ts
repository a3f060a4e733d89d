import type { MemberLedgerRow } from '@guildhall/coop';
import { csvCell, csvDocument, CsvNumber, csvRecord, jsonDocument, ledgerCsvRecord, ledgerJson } from './export-format';

async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const chunk of chunks) out += chunk;
  return out;
}

async function* batches<T>(...groups: T[][]): AsyncGenerator<T[]> {
  for (const group of groups) yield await Promise.resolve(group);
}

const line = (overrides: Partial<MemberLedgerRow>): MemberLedgerRow => ({
  id: '42',
  entryKey: 'close:p1',
  ledger: 'money',
  periodId: '0190a0b0-0000-7000-8000-000000000001',
  periodSeq: 3,
  account: 'capital',
  vintage: 'p1',
  amount: '-123456',
  createdAt: new Date('2026-01-31T23:59:00Z'),
  ...overrides,
});

describe('CSV cells (RFC 4180, formula-safe)', () => {
  it('quotes commas, quotes and line breaks, doubling quotes', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell(null)).toBe('');
  });

  it('prefixes text a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('a=b')).toBe('a=b');
  });

  it('writes numbers bare, negative ones included, and dates as ISO 8601', () => {
    expect(csvCell(new CsvNumber('-1234.56'))).toBe('-1234.56');
    expect(csvCell(-7)).toBe('-7');
    expect(csvCell(new Date('2026-01-02T03:04:05Z'))).toBe('2026-01-02T03:04:05.000Z');
    expect(() => new CsvNumber('=1')).toThrow('not a number');
  });

  it('ends records with CRLF', () => {
    expect(csvRecord(['a', 1, null])).toBe('a,1,\r\n');
  });
});

describe('ledger lines', () => {
  it('gives money as integer cents and an exact decimal', () => {
    expect(ledgerCsvRecord(line({}))).toBe(
      '42,2026-01-31T23:59:00.000Z,close:p1,money,3,0190a0b0-0000-7000-8000-000000000001,capital,p1,credit,-123456,-1234.56,\r\n',
    );
    expect(ledgerJson(line({ amount: '5' }))).toMatchObject({ amountCents: 5, amount: '0.05', side: 'debit' });
  });

  it('gives units as an integer, without money columns', () => {
    expect(ledgerCsvRecord(line({ ledger: 'units', account: 'vested', vintage: null, amount: '-40' }))).toBe(
      '42,2026-01-31T23:59:00.000Z,close:p1,units,3,0190a0b0-0000-7000-8000-000000000001,vested,,credit,,,-40\r\n',
    );
    expect(ledgerJson(line({ ledger: 'units', amount: '-40' }))).toEqual(
      expect.objectContaining({ units: -40, ledger: 'units' }),
    );
    expect(ledgerJson(line({ ledger: 'units' }))).not.toHaveProperty('amountCents');
  });
});

describe('streamed documents', () => {
  it('writes a JSON document batch by batch that parses whole', async () => {
    const text = await collect(jsonDocument({ account: 'ada' }, 'items', batches([1, 2], [], [3]), (n) => ({ n })));
    expect(JSON.parse(text)).toEqual({ account: 'ada', items: [{ n: 1 }, { n: 2 }, { n: 3 }] });
    expect(JSON.parse(await collect(jsonDocument({ a: 1 }, 'items', batches<number>(), (n) => n)))).toEqual({
      a: 1,
      items: [],
    });
  });

  it('writes a CSV header then every batch', async () => {
    const text = await collect(csvDocument(['n'], batches([1], [2, 3]), (n) => csvRecord([n])));
    expect(text).toBe('n\r\n1\r\n2\r\n3\r\n');
  });
});
