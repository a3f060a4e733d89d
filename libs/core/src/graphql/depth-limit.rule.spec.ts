import { buildSchema, parse, validate } from 'graphql';
import { depthLimitRule } from './depth-limit.rule';

const schema = buildSchema(`
  type Node { id: ID!  child: Node  children: [Node!]! }
  type Query { node: Node }
`);

function errorsFor(query: string, max: number): string[] {
  return validate(schema, parse(query), [depthLimitRule(max)]).map((e) => e.message);
}

describe('depthLimitRule', () => {
  it('accepts an operation exactly at the limit and refuses one level deeper', () => {
    expect(errorsFor('{ node { child { child { id } } } }', 4)).toEqual([]);
    expect(errorsFor('{ node { child { child { child { id } } } } }', 4)).toEqual([
      'Query depth 5 exceeds the maximum of 4',
    ]);
  });

  it('counts depth through fragments and inline fragments', () => {
    const query = `
      { node { ...A } }
      fragment A on Node { child { ... on Node { child { ...B } } } }
      fragment B on Node { children { id } }
    `;
    expect(errorsFor(query, 5)).toEqual([]);
    expect(errorsFor(query, 4)).toEqual(['Query depth 5 exceeds the maximum of 4']);
  });

  it('ignores introspection fields and survives fragment cycles', () => {
    expect(errorsFor('{ __typename node { __typename id } }', 2)).toEqual([]);
    const cyclic = validate(schema, parse('{ node { ...A } } fragment A on Node { child { ...A } }'), [
      depthLimitRule(3),
    ]);
    expect(cyclic.map((e) => e.message)).toEqual([]);
  });
});
