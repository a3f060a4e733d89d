import { parseAmount } from './amount';

describe('parseAmount', () => {
  it.each([
    ['12', 1200],
    ['12.5', 1250],
    ['12,50', 1250],
    [' 0.01 ', 1],
    ['1234567.89', 123456789],
    ['9999999999999.99', 999999999999999],
  ])('reads %p as %p cents, exactly', (text, cents) => {
    expect(parseAmount(text)).toEqual({ cents });
  });

  it.each([
    ['', 'Enter the amount.'],
    ['0', 'The amount must be more than zero.'],
    ['0.00', 'The amount must be more than zero.'],
    ['1,234.50', expect.stringContaining('no thousands separators')],
    ['1.234', expect.stringContaining('at most two decimals')],
    ['-5', expect.stringContaining('digits')],
    ['1e3', expect.stringContaining('digits')],
    ['12.', expect.stringContaining('digits')],
    ['99999999999999', expect.stringContaining('digits')],
  ])('refuses %p', (text, error) => {
    expect(parseAmount(text)).toEqual({ error });
  });

  it('takes zero only where asked (a payout threshold may be nothing)', () => {
    expect(parseAmount('0', { zero: true })).toEqual({ cents: 0 });
    expect(parseAmount('0,00', { zero: true })).toEqual({ cents: 0 });
    expect(parseAmount('', { zero: true })).toEqual({ error: 'Enter the amount.' });
  });
});
