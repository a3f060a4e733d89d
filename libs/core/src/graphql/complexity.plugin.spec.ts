import { buildSchema, parse } from 'graphql';
import { complexityRefusal, operationComplexity } from './complexity.plugin';

const schema = buildSchema(`
  type Item { id: ID!  name: String  children(first: Int = 20): [Item!]! }
  type Query { items: [Item!]!  one: Item  page(first: Int = 20): [Item!]! }
`);

describe('operationComplexity', () => {
  it('follows @include with the variables given, per call', () => {
    const document = parse('query($all: Boolean!) { one { id } items @include(if: $all) { id name } }');
    // one: 1 + 1; items: a list without a bound is priced as a full page (40) of 2.
    expect(operationComplexity(schema, document, null, { all: true })).toBe(2 + 81);
    expect(operationComplexity(schema, document, null, { all: false })).toBe(2);
    // Answered from the cache, still per variables.
    expect(operationComplexity(schema, document, null, { all: true })).toBe(83);
    expect(operationComplexity(schema, document, null, { all: false })).toBe(2);
  });

  it('multiplies a page by its first (or its default), so nested pages multiply', () => {
    expect(operationComplexity(schema, parse('{ page(first: 5) { id } }'), null, {})).toBe(1 + 5 * 1);
    expect(operationComplexity(schema, parse('{ page { id } }'), null, {})).toBe(1 + 20 * 1);
    const nested = parse('query($n: Int) { page(first: $n) { children(first: $n) { id name } } }');
    expect(operationComplexity(schema, nested, null, { n: 10 })).toBe(1 + 10 * (1 + 10 * 2));
    // An explicit null is priced as the largest page.
    expect(operationComplexity(schema, nested, null, { n: null })).toBe(1 + 40 * (1 + 40 * 2));
  });

  it('is null for invalid variables, which execution reports itself', () => {
    const document = parse('query($all: Boolean!) { items @include(if: $all) { id } }');
    expect(operationComplexity(schema, document, null, {})).toBeNull();
  });
});

describe('complexityRefusal', () => {
  it('refuses over the maximum with HTTP 400 and the figures', () => {
    const refusal = complexityRefusal(
      schema,
      parse('{ page(first: 40) { children(first: 40) { id } } }'),
      null,
      {},
      1000,
    );
    expect(refusal?.extensions).toEqual({
      code: 'GRAPHQL_VALIDATION_FAILED',
      reason: 'QUERY_TOO_COMPLEX',
      complexity: 1 + 40 * (1 + 40),
      maxComplexity: 1000,
      http: { status: 400 },
    });
    expect(complexityRefusal(schema, parse('{ page(first: 40) { id } }'), null, {}, 1000)).toBeNull();
  });

  it('fails closed when the cost cannot be estimated (the library gives up at 10,000 nodes)', () => {
    const aliases = Array.from({ length: 10_000 }, (_, i) => `a${i}: __typename`).join(' ');
    const refusal = complexityRefusal(schema, parse(`{ ${aliases} }`), null, {}, 1000);
    expect(refusal?.message).toBe('The cost of this operation could not be estimated');
    expect(refusal?.extensions).toEqual({
      code: 'GRAPHQL_VALIDATION_FAILED',
      reason: 'COMPLEXITY_UNKNOWN',
      http: { status: 400 },
    });
  });
});
