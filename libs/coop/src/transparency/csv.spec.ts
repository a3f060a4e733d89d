import { csvField, csvRow } from './csv';

describe('csv', () => {
  it('quotes only fields that need it, doubling quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(-42)).toBe('-42');
    expect(csvRow(['x', null, 'y"'])).toBe('x,,"y"""\r\n');
  });
});
