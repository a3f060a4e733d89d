import { blockCandidates, normalizeDomain } from './domain-name';

describe('normalizeDomain', () => {
  it.each([
    ['Spam.Example', 'spam.example'],
    ['  spam.example.  ', 'spam.example'],
    ['spam.example:8443', 'spam.example:8443'],
    ['spam.example:443', 'spam.example'],
    ['localhost:3000', 'localhost:3000'],
    ['bücher.example', 'xn--bcher-kva.example'],
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
