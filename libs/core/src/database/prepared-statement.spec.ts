import {
  PREPARED_CONSTANT_LIMIT,
  PREPARED_STATEMENT_LIMIT,
  preparedStatement,
  withArrayRows,
} from './prepared-statement';

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

  it('names constant texts apart from built ones, so built texts past their bound do not crowd them out', () => {
    // The built texts' bound is reached above; a constant text is still named, up to its own bound.
    expect(preparedStatement('SELECT 2000 AS built_past_the_bound')).toBe('SELECT 2000 AS built_past_the_bound');
    const constant = preparedStatement('SELECT 1 AS constant_text', { constant: true }) as unknown as Config;
    expect(constant.name).toMatch(/^gh_[0-9a-f]{24}$/);
    for (let i = 1; i < PREPARED_CONSTANT_LIMIT; i++)
      preparedStatement(`SELECT ${i} AS constant_bound`, { constant: true });
    expect(preparedStatement('SELECT 3000 AS constant_past_the_bound', { constant: true })).toBe(
      'SELECT 3000 AS constant_past_the_bound',
    );
    expect((preparedStatement('SELECT 1 AS constant_text', { constant: true }) as unknown as Config).name).toBe(
      constant.name,
    );
  });

  it('reads a named or an unnamed text as array rows, keeping its name and its text', () => {
    // Named in the first test (the bounds are spent by now; a named text stays named).
    const named = preparedStatement('SELECT 1 WHERE $1::int > 0') as unknown as Config;
    expect(named.name).toMatch(/^gh_/);
    expect(withArrayRows(named as unknown as string)).toMatchObject({
      name: named.name,
      text: 'SELECT 1 WHERE $1::int > 0',
      rowMode: 'array',
    });
    const unnamed = withArrayRows('SELECT 5000 AS unnamed_array_rows') as unknown as Config & { rowMode: string };
    expect(unnamed).toMatchObject({ text: 'SELECT 5000 AS unnamed_array_rows', rowMode: 'array' });
    expect(unnamed.name).toBeUndefined();
    expect(String(unnamed)).toBe('SELECT 5000 AS unnamed_array_rows');
    // The statement's own config is not changed (the next caller may read it as objects).
    expect((named as unknown as { rowMode?: string }).rowMode).toBeUndefined();
  });
});
