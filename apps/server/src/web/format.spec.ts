import { centsToDecimal, Formatter, localeOf } from './format';

describe('web formatting', () => {
  it('turns integer cents into an exact decimal, sign and all', () => {
    expect(centsToDecimal(0)).toBe('0.00');
    expect(centsToDecimal(5)).toBe('0.05');
    expect(centsToDecimal(-123456)).toBe('-1234.56');
    expect(centsToDecimal('900719925474099312')).toBe('9007199254740993.12');
  });

  it('formats money for the reader without float rounding', () => {
    expect(new Formatter('en-US').money(123456, 'USD')).toBe('$1,234.56');
    expect(new Formatter('de-DE').money(123456, 'EUR')).toBe('1.234,56\u00a0€');
    expect(new Formatter('en-US').money('900719925474099312', 'USD')).toBe('$9,007,199,254,740,993.12');
  });

  it('formats large integers exactly', () => {
    expect(new Formatter('en-US').integer('12345678901234567890')).toBe('12,345,678,901,234,567,890');
    expect(new Formatter('fr-FR').integer(1234567)).toBe('1\u202f234\u202f567');
  });

  it('picks the best supported Accept-Language', () => {
    expect(localeOf('de-DE,de;q=0.9,en;q=0.8')).toBe('de-DE');
    expect(localeOf('xx-notreal;q=1, fr;q=0.5')).toBe('fr');
    expect(localeOf('en;q=0.1, ja;q=0.9')).toBe('ja');
    expect(localeOf(undefined)).toBe('en');
    expect(localeOf('*')).toBe('en');
  });
});
