import { GraphQLSchemaHost } from '@nestjs/graphql';
import { getNullableType, isListType, isObjectType, type GraphQLField } from 'graphql';
import { DataSource } from 'typeorm';
import { fieldCost } from '@guildhall/core';
import { png } from './fixtures/images';
import { signUp, type SignedUp } from './utils/factories';
import { subscribe, wsClient, wsUrl } from './utils/subscriptions';
import { createTestApp, type TestApp } from './utils/test-app';

/** Unique to this run: other suites share the database. */
const TAG = `lim_${Math.random().toString(36).slice(2, 8)}`;
const CREATE = 'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }';

/** What a timeline client asks for: 40 posts with their authors and counts. */
const CLIENT_TIMELINE = `query {
  timeline(kind: LOCAL, first: 40) {
    edges { cursor node { id content createdAt likesCount boostsCount repliesCount
      author { id handle displayName } } }
    pageInfo { hasNextPage endCursor } } }`;

describe('GraphQL limits (ADR 0020)', () => {
  let t: TestApp;
  let alice: SignedUp;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    alice = await signUp(t);
    for (let i = 0; i < 3; i++) {
      const res = await t.gql(CREATE, { input: { content: `limits post ${i} #${TAG}` } }, alice.token);
      expect(res.errors).toBeUndefined();
    }
  });

  afterAll(() => t.close());

  describe('documents are bounded before they are costed', () => {
    it('refuses 10,000 aliases of __typename while parsing (400), without running them', async () => {
      const aliases = Array.from({ length: 10_000 }, (_, i) => `a${i}: __typename`).join(' ');
      const res = await t.gql(`query { ${aliases} }`);
      expect(res.status).toBe(400);
      expect(res.data).toBeUndefined();
      expect(res.errors).toHaveLength(1);
      expect(res.errors?.[0].extensions).toEqual({ code: 'GRAPHQL_PARSE_FAILED' });
      // graphql 16 spells it "more that".
      expect(res.errors?.[0].message).toMatch(
        /^Syntax Error: Document contains more tha[nt] 5000 tokens\. Parsing aborted\.$/,
      );
    });

    it('refuses more than 500 fields, aliases included, even under the token limit (400)', async () => {
      const aliases = Array.from({ length: 600 }, (_, i) => `a${i}: __typename`).join(' ');
      const res = await t.gql(`query { ${aliases} }`);
      expect(res.status).toBe(400);
      expect(res.data).toBeUndefined();
      expect(res.errors?.[0].message).toBe('The operation selects 600 fields, more than the maximum of 500');
      expect(res.errors?.[0].extensions).toEqual({
        code: 'GRAPHQL_VALIDATION_FAILED',
        reason: 'TOO_MANY_FIELDS',
        fields: 600,
        maxFields: 500,
      });
    });

    it('counts a fragment each time it is spread', async () => {
      const fields = Array.from({ length: 60 }, (_, i) => `f${i}: id`).join(' ');
      const spreads = Array.from({ length: 10 }, (_, i) => `p${i}: post(id: "x") { ...F }`).join(' ');
      const res = await t.gql(`query { ${spreads} } fragment F on Post { ${fields} }`);
      expect(res.status).toBe(400);
      expect(res.errors?.[0].extensions).toMatchObject({ reason: 'TOO_MANY_FIELDS', fields: 610 });
    });
  });

  describe('lists cost what they can return', () => {
    // timeline: 25 + 40 × (node 1 + author 1 + posts (25 + 40 × (node 1 + id 1))) = 4305
    const attacks: [string, string, number][] = [
      [
        'Account.posts inside a timeline',
        'timeline(kind: LOCAL, first: 40) { edges { node { author { posts(first: 40) { edges { node { id } } } } } } }',
        4305,
      ],
      [
        'replies inside a timeline',
        'timeline(kind: LOCAL, first: 40) { edges { node { replies(first: 40) { edges { node { id content } } } } } }',
        25 + 40 * (1 + 20 + 40 * (1 + 2)),
      ],
      [
        'mentions inside a timeline',
        'timeline(kind: FEDERATED, first: 40) { edges { node { mentions { handle } } } }',
        25 + 40 * (1 + 1 + 50 * 1),
      ],
      [
        'followers of the authors of a hashtag timeline',
        'hashtagTimeline(tag: "x", first: 20) { edges { node { author { followers(first: 40) { edges { node { id handle } } } } } } }',
        25 + 20 * (1 + 1 + 1 + 40 * (1 + 2)),
      ],
    ];

    it.each(attacks)('refuses %s with 400 and the figures', async (_name, selection, complexity) => {
      const res = await t.gql(`query { ${selection} }`);
      expect(res.status).toBe(400);
      expect(res.data).toBeUndefined();
      expect(res.errors).toEqual([
        {
          message: `Query complexity ${complexity} exceeds the maximum of 2000`,
          extensions: {
            code: 'GRAPHQL_VALIDATION_FAILED',
            reason: 'QUERY_TOO_COMPLEX',
            complexity,
            maxComplexity: 2000,
          },
        },
      ]);
    });

    it('prices every page and list of the schema by what it can return', () => {
      const schema = t.app.get(GraphQLSchemaHost).schema;
      const unpriced: string[] = [];
      const checked: string[] = [];
      for (const type of Object.values(schema.getTypeMap())) {
        if (!isObjectType(type) || type.name.startsWith('__')) continue;
        for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
          const paged = field.args.some((arg) => arg.name === 'first');
          if (!paged && !isListType(getNullableType(field.type))) continue;
          // A connection's edges are counted by the connection's first; searchAll's lists by their own bound.
          if (field.name === 'edges' && type.name.endsWith('Connection')) continue;
          if (type.name === 'Query' && field.name === 'searchAll') continue;
          checked.push(`${type.name}.${field.name}`);
          const cost = (first: number) => fieldCost({ type, field, args: { first }, childComplexity: 10 });
          const items = paged ? 40 : 4;
          if (!(Number(cost(40)) >= items * 10)) unpriced.push(`${type.name}.${field.name}: ${String(cost(40))}`);
          if (paged && !(Number(cost(40)) > Number(cost(5)))) unpriced.push(`${type.name}.${field.name} ignores first`);
        }
      }
      expect(unpriced).toEqual([]);
      expect(checked).toEqual(
        expect.arrayContaining(['Query.timeline', 'Account.posts', 'Post.replies', 'Post.mentions', 'Post.media']),
      );
      expect(checked.length).toBeGreaterThan(25);
    });

    it('prices a page from its variables, so the same document passes with a small page', async () => {
      const query = `query($n: Int) { hashtagTimeline(tag: "${TAG}", first: $n) { edges { node { author {
        posts(first: $n) { edges { node { id } } } } } } } }`;
      expect((await t.gql(query, { n: 40 })).status).toBe(400);
      type Page = { edges: { node: { author: { posts: { edges: unknown[] } } } }[] };
      const small = await t.gql<{ hashtagTimeline: Page }>(query, { n: 2 });
      expect(small.status).toBe(200);
      expect(small.errors).toBeUndefined();
      expect(small.data?.hashtagTimeline.edges.map((edge) => edge.node.author.posts.edges.length)).toEqual([2, 2]);
    });

    it('still serves what a client asks for: 40 posts with authors and counts', async () => {
      const res = await t.gql<{ timeline: { edges: { node: { author: { handle: string } } }[] } }>(CLIENT_TIMELINE);
      expect(res.status).toBe(200);
      expect(res.errors).toBeUndefined();
      const mine = res.data?.timeline.edges.filter((edge) => edge.node.author.handle === alice.username);
      expect(mine).toHaveLength(3);
    });
  });

  describe('over WebSocket, the same limits', () => {
    const aliases = (n: number) => Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ');
    const cases: [string, string, Record<string, unknown>][] = [
      [
        'too many tokens',
        `subscription { notificationAdded { ${aliases(10_000)} } }`,
        { message: expect.stringMatching(/^Syntax Error: Document contains more tha[nt] 5000 tokens/) as unknown },
      ],
      [
        'too many fields',
        `subscription { notificationAdded { ${aliases(600)} } }`,
        { extensions: { reason: 'TOO_MANY_FIELDS', fields: 601, maxFields: 500 } },
      ],
      [
        'nested pages',
        'subscription { notificationAdded { account { posts(first: 40) { edges { node { author { posts(first: 40) { edges { node { id } } } } } } } } } }',
        {
          extensions: expect.objectContaining({
            code: 'GRAPHQL_VALIDATION_FAILED',
            reason: 'QUERY_TOO_COMPLEX',
            complexity: 1 + 1 + 25 + 40 * (1 + 1 + 25 + 40 * 2),
          }) as unknown,
        },
      ],
      [
        'a NUL character',
        'subscription { notificationAdded { account { posts(first: 1, after: "a\\u0000") { edges { cursor } } } } }',
        { extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', reason: 'NUL_CHARACTER' }) as unknown },
      ],
    ];

    it.each(cases)('refuses %s before subscribing', async (_name, query, expected) => {
      const client = wsClient(await wsUrl(t), `Bearer ${alice.token}`);
      try {
        const event = await subscribe(client, query).next();
        expect(event.kind).toBe('error');
        const errors = (event as { error: unknown[] }).error;
        expect(errors).toHaveLength(1);
        expect(errors[0]).toMatchObject(expected);
        expect(errors[0]).not.toHaveProperty('extensions.http');
      } finally {
        await client.dispose();
      }
    });
  });

  describe('Markdown that marked cannot render in bounded time', () => {
    it('refuses a 100,000-character article of emphasis openers at once, /health answering meanwhile', async () => {
      const health = async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        const started = Date.now();
        const res = await t.http().get('/health');
        return { status: res.status, ms: Date.now() - started };
      };
      const started = Date.now();
      const [created, checked] = await Promise.all([
        t.gql(CREATE, { input: { title: 'Emphasis', content: '_a'.repeat(50_000) } }, alice.token),
        health(),
      ]);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(created.errors?.[0].extensions).toEqual({
        code: 'BAD_USER_INPUT',
        reason: 'MARKDOWN_TOO_COMPLEX',
        maxDelimiters: 200,
        maxLines: 1000,
      });
      expect(created.errors?.[0].message).toBe(
        'A paragraph has 50000 of the characters * _ ~ [, more than the 200 it may hold; ' +
          'split it with blank lines or put the text in a code block',
      );
      expect(checked.status).toBe(200);
      expect(checked.ms).toBeLessThan(1000);
    });

    it('still publishes a long article made of ordinary paragraphs', async () => {
      const paragraph = 'Some *emphasis*, a [link](https://example.org) and `code`. '.repeat(30);
      const content = Array.from({ length: 50 }, () => paragraph).join('\n\n');
      expect(content.length).toBeGreaterThan(80_000);
      const res = await t.gql<{ createPost: { id: string } }>(
        CREATE,
        { input: { title: 'Long', content } },
        alice.token,
      );
      expect(res.errors).toBeUndefined();
    });
  });

  describe('text PostgreSQL cannot store', () => {
    it('refuses a NUL character in a variable with BAD_USER_INPUT and writes nothing', async () => {
      const res = await t.gql(CREATE, { input: { content: 'before\u0000after' } }, alice.token);
      expect(res.status).toBe(400);
      expect(res.errors).toEqual([
        {
          message: 'Text may not contain the NUL character (U+0000)',
          extensions: { code: 'BAD_USER_INPUT', reason: 'NUL_CHARACTER' },
        },
      ]);
      const rows: { n: string }[] = await t.app
        .get(DataSource)
        .query('SELECT count(*) AS n FROM posts WHERE account_id = $1', [alice.account.id]);
      expect(rows[0].n).toBe('4');
    });

    it('refuses a NUL character in a literal (a search query) with BAD_USER_INPUT', async () => {
      const res = await t.gql('query { searchAll(query: "abc\\u0000") { hashtags } }', undefined, alice.token);
      expect(res.status).toBe(400);
      expect(res.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'NUL_CHARACTER' });
    });

    it('refuses a NUL character in an upload description (a multipart field) with 422', async () => {
      const res = await t
        .http()
        .post('/api/v1/media')
        .set('authorization', `Bearer ${alice.token}`)
        .field('description', 'alt\u0000text')
        .attach('file', png(2, 2), { filename: 'a.png', contentType: 'image/png' });
      expect(res.status).toBe(422);
      expect(res.body).toEqual({ error: 'A description may not contain the NUL character (U+0000)' });
      const rows = await t.app
        .get(DataSource)
        .query<{ n: string }[]>('SELECT count(*) AS n FROM media_attachments WHERE account_id = $1', [
          alice.account.id,
        ]);
      expect(rows[0].n).toBe('0');
    });

    it('refuses a NUL character in a REST path with 400 and a reason', async () => {
      const res = await t.http().get('/@alice%00x').set('accept', 'text/html');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: 'Text may not contain the NUL character (U+0000)',
        reason: 'NUL_CHARACTER',
      });
    });
  });
});
