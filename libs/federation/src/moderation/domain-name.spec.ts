import { blockCandidates, normalizeDomain } from './domain-name';

describe('normalizeDomain', () => {
  it.each([
    ['Spam.Example', 'spam.example'],
    ['  spam.example.  ', 'spam.example'],
    ['spam.example:8443', 'spam.example:8443'],
    ['spam.example:443', 'spam.example'],
    ['localhost:3000', 'localhost:3000'],
    ['bücher.example', 'xn--bcher-kva.example'],
    ['BÜCHER.Example.:8443', 'xn--bcher-kva.example:8443'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
  ])('normalizes %p to %p', (input, expected) => {
    expect(normalizeDomain(input)).toBe(expected);
  });

  it.each([
    '',
    'https://spam.example',
    'spam.example/path',
    'user@spam.example',
    'spam..example',
    '-spam.example',
    'spam.example:99999',
    'spam example',
    '[::1]',
    '127.0.0.1',
    'spam.example?x',
    'spam.example#x',
    'spam.example..',
    'spam_example.com',
    '*.spam.example',
  ])('refuses %p', (input) => {
    expect(normalizeDomain(input)).toBeNull();
  });
});

describe('blockCandidates', () => {
  it('lists the host with its port, its name and its parents of two labels or more', () => {
    expect(blockCandidates('A.B.Spam.Example:8443')).toEqual([
      'a.b.spam.example:8443',
      'a.b.spam.example',
      'b.spam.example',
      'spam.example',
    ]);
  });

  it('lists a bare host once', () => {
    expect(blockCandidates('spam.example')).toEqual(['spam.example']);
    expect(blockCandidates('localhost:3000')).toEqual(['localhost:3000', 'localhost']);
  });
});

describe('blockCandidates of hosts as they arrive', () => {
  it('normalizes a trailing dot, upper case and an IDN before matching', () => {
    expect(blockCandidates('BLOCKED.example.')).toEqual(['blocked.example']);
    expect(blockCandidates('a.BLOCKED.example.:8443')).toEqual([
      'a.blocked.example:8443',
      'a.blocked.example',
      'blocked.example',
    ]);
    expect(blockCandidates('BÜCHER.example.')).toEqual(['xn--bcher-kva.example']);
  });

  it('gives an IP literal no parent domains', () => {
    expect(blockCandidates('10.0.0.1:8080')).toEqual(['10.0.0.1:8080', '10.0.0.1']);
    expect(blockCandidates('[::1]:8080')).toEqual(['[::1]:8080', '[::1]']);
  });
});
