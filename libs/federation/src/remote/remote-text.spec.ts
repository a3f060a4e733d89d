import { LanguageString } from '@fedify/fedify/vocab';
import { remoteText, stripControls } from './remote-text';

describe('remoteText', () => {
  it('drops NUL and every other C0 control but tab, line feed and carriage return', () => {
    const controls = Array.from({ length: 32 }, (_, code) => String.fromCharCode(code)).join('');
    expect(stripControls(`a${controls}b`)).toBe('a\t\n\rb');
    expect(stripControls('na\u0000me\u007f é')).toBe('name\u007f é');
  });

  it('reads plain and language-tagged strings, and null as null', () => {
    expect(remoteText(new LanguageString('Bon\u0000jour', 'fr'))).toBe('Bonjour');
    expect(remoteText('x\u0000')).toBe('x');
    expect(remoteText(null)).toBeNull();
    expect(remoteText(undefined)).toBeNull();
  });
});
