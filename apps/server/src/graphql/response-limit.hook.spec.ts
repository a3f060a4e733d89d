import Fastify from 'fastify';
import { graphqlResponseLimit } from './response-limit.hook';

describe('graphqlResponseLimit', () => {
  const app = Fastify();
  app.addHook('onSend', graphqlResponseLimit('/graphql', 1000));
  app.post('/graphql', (request) => JSON.stringify({ data: { text: 'é'.repeat((request.body as { n: number }).n) } }));
  app.post('/other', () => JSON.stringify({ text: 'x'.repeat(5000) }));

  afterAll(() => app.close());

  it('passes a response within the limit as it is', async () => {
    const res = await app.inject({ method: 'POST', url: '/graphql', payload: { n: 400 } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ data: { text: 'é'.repeat(400) } });
  });

  it('replaces a larger one (counted in UTF-8 bytes) by a 400 refusal', async () => {
    // 600 characters, 1,200 bytes: over the limit only in bytes.
    const res = await app.inject({ method: 'POST', url: '/graphql?x=1', payload: { n: 600 } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      errors: [
        {
          message: 'The response would exceed 1000 bytes; ask for fewer or smaller pages',
          extensions: { code: 'RESPONSE_TOO_LARGE', maxBytes: 1000 },
        },
      ],
    });
  });

  it('leaves other routes alone', async () => {
    const res = await app.inject({ method: 'POST', url: '/other', payload: {} });
    expect(res.statusCode).toBe(200);
  });
});
