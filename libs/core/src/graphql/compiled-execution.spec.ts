import {
  buildSchema,
  execute,
  type ExecutionResult,
  GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  parse,
} from 'graphql';
import { COMPILE_AFTER_RUNS, CompiledExecution } from './compiled-execution';

class DomainError extends Error {
  readonly extensions = { code: 'FORBIDDEN', reason: 'NOPE' };
}

function schemaWithResolvers(): { schema: GraphQLSchema; calls: string[] } {
  const schema = buildSchema(`
    type Post { id: ID!, title: String, secret: String, required: String! }
    type Query { posts(first: Int!): [Post!]!, when: String }
    type Mutation { touch: Int! }
  `);
  const calls: string[] = [];
  const fields = schema.getQueryType()!.getFields();
  fields.posts.resolve = (_root, args: { first: number }) => {
    calls.push(`posts(${args.first})`);
    return Array.from({ length: args.first }, (_, i) => ({ id: `p${i}`, title: i % 2 ? null : `t${i}` }));
  };
  fields.when.resolve = () => Promise.resolve('now');
  const post = schema.getType('Post') as ReturnType<GraphQLSchema['getQueryType']> & object;
  const postFields = (post as unknown as { getFields(): Record<string, { resolve?: unknown }> }).getFields();
  postFields.secret.resolve = () => {
    throw new DomainError('not yours');
  };
  postFields.required.resolve = (source: { id: string }) => (source.id === 'p1' ? null : 'here');
  let touched = 0;
  schema.getMutationType()!.getFields().touch.resolve = () => ++touched;
  return { schema, calls };
}

/** What a client would see of a result: JSON, errors with their extensions. */
const asClientSees = (result: ExecutionResult) =>
  JSON.parse(
    JSON.stringify({
      data: result.data,
      errors: result.errors?.map((error) => ({
        ...error.toJSON(),
        isGraphqlJsError: error instanceof GraphQLError,
        original: error.originalError?.message,
      })),
    }),
  ) as unknown;

function run(execution: CompiledExecution, query: string, variables?: Record<string, unknown>) {
  const document = parse(query);
  return execution.execute({
    request: { variables },
    document,
    operation: getOperationAST(document) ?? undefined,
    queryHash: query,
    context: {},
  });
}

describe('CompiledExecution', () => {
  const QUERY = `query($n: Int!) { posts(first: $n) { id title } when }`;

  it('answers repeated queries exactly as graphql-js does: data, errors with paths, locations and extensions', async () => {
    const { schema } = schemaWithResolvers();
    const execution = new CompiledExecution(() => schema);
    const query = `query($n: Int!) { posts(first: $n) { id title secret } when }`;
    const expected = asClientSees(
      await execute({ schema, document: parse(query), variableValues: { n: 3 }, contextValue: {} }),
    );
    expect(expected).toMatchObject({
      data: { posts: [{ id: 'p0', title: 't0', secret: null }, { title: null }, { title: 't2' }], when: 'now' },
    });
    expect((expected as { errors: unknown[] }).errors[0]).toMatchObject({
      message: 'not yours',
      path: ['posts', 0, 'secret'],
      locations: [{ line: 1, column: 47 }],
      extensions: { code: 'FORBIDDEN', reason: 'NOPE' },
      isGraphqlJsError: true,
      original: 'not yours',
    });
    for (let run_ = 0; run_ < COMPILE_AFTER_RUNS + 2; run_++) {
      expect(asClientSees(await run(execution, query, { n: 3 }))).toEqual(expected);
    }
  });

  it('nulls as graphql-js does; a list nulled by a non-null field may report its other items’ errors too', async () => {
    const { schema } = schemaWithResolvers();
    const execution = new CompiledExecution(() => schema);
    const query = `query($n: Int!) { posts(first: $n) { id secret required } when }`;
    const reference = await execute({ schema, document: parse(query), variableValues: { n: 3 }, contextValue: {} });
    const key = (error: GraphQLError) => `${error.path?.join('.')}: ${error.message}`;
    for (let run_ = 0; run_ < COMPILE_AFTER_RUNS + 2; run_++) {
      const result = await run(execution, query, { n: 3 });
      expect(result.data).toEqual(reference.data);
      expect(result.data).toBeNull();
      // graphql-js stops completing the list at its first null item; graphql-jit completes every
      // item (ADR 0053): the same errors, and perhaps those of items after it.
      expect(result.errors!.map(key)).toEqual(expect.arrayContaining(reference.errors!.map(key)));
      expect(result.errors!.map(key)).toContain(
        'posts.1.required: Cannot return null for non-nullable field Post.required.',
      );
    }
  });

  it('leaves variables graphql-js refuses to graphql-js, with its words', async () => {
    const { schema, calls } = schemaWithResolvers();
    const execution = new CompiledExecution(() => schema);
    for (let run_ = 0; run_ < COMPILE_AFTER_RUNS; run_++) await run(execution, QUERY, { n: 1 });
    calls.length = 0;
    const refused = await run(execution, QUERY, { n: 'two' });
    expect(refused.errors?.map((error) => error.message)).toEqual([
      'Variable "$n" got invalid value "two"; Int cannot represent non-integer value: "two"',
    ]);
    expect(calls).toEqual([]);
  });

  it('runs mutations through graphql-js every time, once each', async () => {
    const { schema } = schemaWithResolvers();
    const execution = new CompiledExecution(() => schema);
    const results = [];
    for (let run_ = 0; run_ < COMPILE_AFTER_RUNS + 2; run_++)
      results.push((await run(execution, 'mutation { touch }')).data);
    expect(results).toEqual([{ touch: 1 }, { touch: 2 }, { touch: 3 }, { touch: 4 }]);
  });
});
