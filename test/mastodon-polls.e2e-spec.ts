import { randomUUID } from 'node:crypto';
import { LoaderFactories } from '@guildhall/core';
import { PostRepository } from '@guildhall/content';
import { StatusSerializer } from '../libs/mastodon-api/src/serializers/status.serializer';
import { signUp, type SignedUp } from './utils/factories';
import { appToken } from './utils/mastodon';
import { createListeningTestApp, type TestApp } from './utils/test-app';

const POLL_FIELDS = 'poll { id votesCount votersCount options { title votesCount } voted ownVotes }';
const CREATE = `mutation($input: CreatePostInput!) { createPost(input: $input) { id ${POLL_FIELDS} } }`;
const GET = `query($id: ID!) { post(id: $id) { ${POLL_FIELDS} } }`;
const VOTE = `mutation($postId: ID!, $choices: [Int!]!) { votePoll(postId: $postId, choices: $choices) { votesCount } }`;

interface GraphqlPoll {
  id: string;
  votesCount: number;
  votersCount: number | null;
  options: { title: string; votesCount: number | null }[];
  voted: boolean | null;
  ownVotes: number[] | null;
}

describe('polls on the Mastodon API', () => {
  let t: TestApp & { origin: string };
  let alice: SignedUp;
  let bob: SignedUp;
  let carol: SignedUp;
  let bobToken: string;

  const createPoll = async (who: SignedUp, extra: Record<string, unknown> = {}) => {
    const res = await t.gql<{ createPost: { id: string; poll: GraphqlPoll } }>(
      CREATE,
      { input: { content: 'Which wood?', poll: { options: ['oak', 'ash', 'elm'], expiresIn: 3600 }, ...extra } },
      who.token,
    );
    if (!res.data) throw new Error(JSON.stringify(res.errors));
    return res.data.createPost;
  };
  const graphqlPoll = async (postId: string, who: SignedUp) =>
    (await t.gql<{ post: { poll: GraphqlPoll } }>(GET, { id: postId }, who.token)).data!.post.poll;
  const rest = async (token: string) => {
    const { createRestAPIClient } = await import('masto');
    return createRestAPIClient({ url: t.origin, accessToken: token });
  };
  const raw = (path: string, token: string | null, body?: unknown) =>
    fetch(`${t.origin}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    t = await createListeningTestApp();
    [alice, bob, carol] = [await signUp(t), await signUp(t), await signUp(t)];
    bobToken = await appToken(t, bob, 'read write');
  });
  afterAll(() => t.close());

  it('a vote through REST shows in GraphQL, and a GraphQL vote in REST', async () => {
    const post = await createPoll(alice);
    const client = await rest(bobToken);

    const before = await client.v1.polls.$select(post.poll.id).fetch();
    expect(before).toMatchObject({
      id: post.poll.id,
      expired: false,
      multiple: false,
      votesCount: 0,
      votersCount: 0,
      voted: false,
      ownVotes: [],
      emojis: [],
    });
    expect(before.options).toEqual([
      { title: 'oak', votesCount: 0 },
      { title: 'ash', votesCount: 0 },
      { title: 'elm', votesCount: 0 },
    ]);
    expect(new Date(before.expiresAt!).getTime()).toBeGreaterThan(Date.now() + 3500_000);

    const voted = await client.v1.polls.$select(post.poll.id).votes.create({ choices: [1] });
    expect(voted).toMatchObject({ votesCount: 1, votersCount: 1, voted: true, ownVotes: [1] });
    expect(voted.options.map((option) => option.votesCount)).toEqual([0, 1, 0]);

    expect(await graphqlPoll(post.id, alice)).toMatchObject({
      votesCount: 1,
      votersCount: 1,
      options: [
        { title: 'oak', votesCount: 0 },
        { title: 'ash', votesCount: 1 },
        { title: 'elm', votesCount: 0 },
      ],
      voted: true,
      ownVotes: [],
    });
    expect(await graphqlPoll(post.id, bob)).toMatchObject({ voted: true, ownVotes: [1] });

    const graphqlVote = await t.gql(VOTE, { postId: post.id, choices: [2] }, carol.token);
    expect(graphqlVote.errors).toBeUndefined();
    const after = await client.v1.polls.$select(post.poll.id).fetch();
    expect(after).toMatchObject({ votesCount: 2, votersCount: 2, voted: true, ownVotes: [1] });
    expect(after.options.map((option) => option.votesCount)).toEqual([0, 1, 1]);
  });

  it("renders the poll in a Status, with the reader's own votes", async () => {
    const post = await createPoll(alice);
    await (await rest(bobToken)).v1.polls.$select(post.poll.id).votes.create({ choices: [0] });
    const entity = (await t.app.get(PostRepository).findById(post.id))!;
    const serializer = t.app.get(StatusSerializer, { strict: false });
    const loaders = t.app.get(LoaderFactories);
    const forBob = await serializer.serialize(entity, {
      loaders: loaders.forRequest({ user: { accountId: bob.account.id } }),
      viewerId: bob.account.id,
    });
    expect(forBob!.poll).toEqual({
      id: post.poll.id,
      expires_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      expired: false,
      multiple: false,
      votes_count: 1,
      voters_count: 1,
      options: [
        { title: 'oak', votes_count: 1 },
        { title: 'ash', votes_count: 0 },
        { title: 'elm', votes_count: 0 },
      ],
      emojis: [],
      voted: true,
      own_votes: [0],
    });
    const anonymous = await serializer.serialize(entity, { loaders: loaders.forRequest({}), viewerId: null });
    expect(anonymous!.poll).not.toHaveProperty('voted');
    expect(anonymous!.poll).not.toHaveProperty('own_votes');
    expect(anonymous!.poll!.votes_count).toBe(1);
  });

  it('refuses a second vote, a bad choice and an empty one with 422, and changes nothing', async () => {
    const post = await createPoll(alice);
    const path = `/api/v1/polls/${post.poll.id}/votes`;
    expect((await raw(path, bobToken, { choices: [0] })).status).toBe(200);

    const again = await raw(path, bobToken, { choices: [2] });
    expect(again.status).toBe(422);
    expect(((await again.json()) as { error: string }).error).toMatch(/already voted/i);
    const outOfRange = await raw(path, await appToken(t, carol, 'write'), { choices: [7] });
    expect(outOfRange.status).toBe(422);
    const empty = await raw(path, bobToken, { choices: [] });
    expect(empty.status).toBe(422);
    const notIndexes = await raw(path, bobToken, { choices: ['first'] });
    expect(notIndexes.status).toBe(422);
    const own = await raw(path, await appToken(t, alice, 'write'), { choices: [1] });
    expect(own.status).toBe(422);

    expect(await graphqlPoll(post.id, alice)).toMatchObject({ votesCount: 1, votersCount: 1 });
  });

  it('answers 404 for a poll that does not exist or that the reader may not see', async () => {
    const hidden = await createPoll(alice, { visibility: 'DIRECT' });
    for (const id of [randomUUID(), 'not-a-uuid', hidden.poll.id]) {
      const read = await raw(`/api/v1/polls/${id}`, bobToken);
      expect(read.status).toBe(404);
      const vote = await raw(`/api/v1/polls/${id}/votes`, bobToken, { choices: [0] });
      expect(vote.status).toBe(404);
    }
    expect(await graphqlPoll(hidden.id, alice)).toMatchObject({ votesCount: 0 });
  });

  it('needs read:statuses to read and write:statuses to vote', async () => {
    const post = await createPoll(alice);
    const readOnly = await appToken(t, carol, 'read:statuses');
    expect((await raw(`/api/v1/polls/${post.poll.id}`, readOnly)).status).toBe(200);
    const refused = await raw(`/api/v1/polls/${post.poll.id}/votes`, readOnly, { choices: [0] });
    expect(refused.status).toBe(403);
    const writeOnly = await appToken(t, carol, 'write:statuses');
    expect((await raw(`/api/v1/polls/${post.poll.id}`, writeOnly)).status).toBe(403);
    expect((await raw(`/api/v1/polls/${post.poll.id}/votes`, null, { choices: [0] })).status).toBe(401);
    expect(await graphqlPoll(post.id, alice)).toMatchObject({ votesCount: 0 });
  });

  it('reads a public or unlisted poll without a token (no voted, no own_votes); others are 404', async () => {
    const open = await createPoll(alice);
    const unlisted = await createPoll(alice, { visibility: 'UNLISTED' });
    const followers = await createPoll(alice, { visibility: 'FOLLOWERS' });
    await (await rest(bobToken)).v1.polls.$select(open.poll.id).votes.create({ choices: [1] });
    const read = await raw(`/api/v1/polls/${open.poll.id}`, null);
    expect(read.status).toBe(200);
    const body = (await read.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      id: open.poll.id,
      votes_count: 1,
      voters_count: 1,
      expired: false,
      options: [
        { title: 'oak', votes_count: 0 },
        { title: 'ash', votes_count: 1 },
        { title: 'elm', votes_count: 0 },
      ],
    });
    expect(body).not.toHaveProperty('voted');
    expect(body).not.toHaveProperty('own_votes');
    expect((await raw(`/api/v1/polls/${unlisted.poll.id}`, null)).status).toBe(200);
    const hidden = await raw(`/api/v1/polls/${followers.poll.id}`, null);
    expect(hidden.status).toBe(404);
    expect(await hidden.json()).toEqual({ error: 'Record not found' });
  });
});
