import { PREPARED_STATEMENT_LIMIT, preparedStatement } from './prepared-statement';

type Config = { name: string; text: string; toString(): string };

describe('preparedStatement', () => {
  it('names a text the same way every time, another text another way, and reads as its text', () => {
    const first = preparedStatement('SELECT 1 WHERE $1::int > 0') as unknown as Config;
    const again = preparedStatement('SELECT 1 WHERE $1::int > 0') as unknown as Config;
    const other = preparedStatement('SELECT 2 WHERE $1::int > 0') as unknown as Config;
    expect(first).toMatchObject({
      name: expect.stringMatching(/^gh_[0-9a-f]{24}$/),
      text: 'SELECT 1 WHERE $1::int > 0',
    });
    expect(again.name).toBe(first.name);
    expect(other.name).not.toBe(first.name);
    expect(first.toString()).toBe('SELECT 1 WHERE $1::int > 0');
  });

  it(`names at most ${PREPARED_STATEMENT_LIMIT} texts; later ones run unnamed, the named ones stay named`, () => {
    for (let i = 0; i < PREPARED_STATEMENT_LIMIT; i++) preparedStatement(`SELECT ${i} AS bound`);
    expect(preparedStatement('SELECT 1000 AS past_the_bound')).toBe('SELECT 1000 AS past_the_bound');
    expect((preparedStatement('SELECT 1 WHERE $1::int > 0') as unknown as Config).name).toMatch(/^gh_/);
  });
});
