import { hostOf, normalizeHost } from './host-name';

describe('normalizeHost', () => {
  it.each([
    ['Blocked.Example', 'blocked.example'],
    ['BLOCKED.example.', 'blocked.example'],
    ['blocked.example.:8443', 'blocked.example:8443'],
    ['blocked.example:443', 'blocked.example'],
    ['localhost:3000', 'localhost:3000'],
    ['bücher.example', 'xn--bcher-kva.example'],
    ['BÜCHER.example.', 'xn--bcher-kva.example'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
    ['127.0.0.1:8080', '127.0.0.1:8080'],
    ['0x7f.1', '127.0.0.1'],
    ['[::FFFF:127.0.0.1]:80', '[::ffff:7f00:1]:80'],
  ])('%p → %p', (input, expected) => {
    expect(normalizeHost(input)).toBe(expected);
  });

  it.each([
    '',
    ' ',
    'https://blocked.example',
    'blocked.example/path',
    'blocked.example?q',
    'blocked.example#f',
    'user@blocked.example',
    'user:pw@blocked.example',
    'blocked example',
    'blocked..example',
    'blocked.example..',
    '-blocked.example',
    'blocked.example:0',
    'blocked.example:99999',
    'blocked.example:',
    '[::1',
    '[not-ip]',
    'a'.repeat(64) + '.example',
  ])('refuses %p', (input) => {
    expect(normalizeHost(input)).toBeNull();
  });

  it('reads the host of a URL', () => {
    expect(hostOf('https://BLOCKED.example./users/x')).toBe('blocked.example');
    expect(hostOf(new URL('http://bücher.example:8080/'))).toBe('xn--bcher-kva.example:8080');
    expect(hostOf('not a url')).toBeNull();
  });
});
