import { buildSchema, parse } from 'graphql';
import { operationComplexity } from './complexity.plugin';

const schema = buildSchema(`
  type Item { id: ID!  name: String }
  type Query { items: [Item!]!  one: Item }
`);

describe('operationComplexity', () => {
  it('counts one per field and follows @include with the variables given, per call', () => {
    const document = parse('query($all: Boolean!) { one { id } items @include(if: $all) { id name } }');
    expect(operationComplexity(schema, document, null, { all: true })).toBe(5);
    expect(operationComplexity(schema, document, null, { all: false })).toBe(2);
    // Answered from the cache, still per variables.
    expect(operationComplexity(schema, document, null, { all: true })).toBe(5);
    expect(operationComplexity(schema, document, null, { all: false })).toBe(2);
  });

  it('is null for invalid variables, which execution reports itself', () => {
    const document = parse('query($all: Boolean!) { items @include(if: $all) { id } }');
    expect(operationComplexity(schema, document, null, {})).toBeNull();
  });
});
