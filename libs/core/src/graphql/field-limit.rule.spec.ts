import { buildSchema, parse, validate } from 'graphql';
import { fieldLimitRule } from './field-limit.rule';

const schema = buildSchema(`
  type Node { id: ID!  child: Node }
  type Query { node: Node }
`);

function errorsFor(query: string, max: number): string[] {
  return validate(schema, parse(query), [fieldLimitRule(max)]).map((e) => e.message);
}

describe('fieldLimitRule', () => {
  it('counts every selected field, aliases and __typename included', () => {
    expect(errorsFor('{ node { id child { id } } }', 4)).toEqual([]);
    expect(errorsFor('{ node { id a: id __typename } }', 3)).toEqual([
      'The operation selects 4 fields, more than the maximum of 3',
    ]);
  });

  it('expands fragments each time they are spread, without walking them again', () => {
    const fragments = ['fragment F0 on Node { id __typename }'];
    for (let i = 1; i <= 30; i++) fragments.push(`fragment F${i} on Node { ...F${i - 1} ...F${i - 1} }`);
    // F30 expands to 2^31 fields: counted from the remembered sizes, and refused.
    const started = Date.now();
    expect(errorsFor(`{ node { ...F30 } } ${fragments.join(' ')}`, 500)).toEqual([
      `The operation selects ${1 + 2 ** 31} fields, more than the maximum of 500`,
    ]);
    // Walking the spreads instead would visit 2^31 fields: hours, not the seconds a loaded CI allows.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(errorsFor(`{ node { ...F3 } } ${fragments.slice(0, 4).join(' ')}`, 17)).toEqual([]);
  });
});
