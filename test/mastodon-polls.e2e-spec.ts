import { randomUUID } from 'node:crypto';
import { LoaderFactories } from '@guildhall/core';
import { PostRepository, ScheduledPostService } from '@guildhall/content';
import { StatusSerializer } from '../libs/mastodon-api/src/serializers/status.serializer';
import { signUp, type SignedUp } from './utils/factories';
import { appToken } from './utils/mastodon';
import { expectMastodonResponse } from './utils/mastodon-schema';
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

  it('an edit changes the poll as Mastodon does: same options keep the votes, new ones reset them, none removes it', async () => {
    const aliceToken = await appToken(t, alice, 'read write');
    const asAlice = await rest(aliceToken);
    const asBob = await rest(bobToken);
    const created = await asAlice.v1.statuses.create({
      status: 'Which metal?',
      poll: { options: ['iron', 'tin'], expiresIn: 600 },
    });
    await asBob.v1.polls.$select(created.poll!.id).votes.create({ choices: [1] });

    // Same options, new text and a longer run: the vote stays, the end moves.
    const put = await fetch(`${t.origin}/api/v1/statuses/${created.id}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${aliceToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'Which metal, really?', poll: { options: ['iron', 'tin'], expires_in: 7200 } }),
    });
    expect(put.status).toBe(200);
    const kept = (await put.json()) as { content: string; poll: Record<string, unknown> & { expires_at: string } };
    expectMastodonResponse('PUT', `/api/v1/statuses/${created.id}`, 200, kept);
    expect(kept.content).toBe('<p>Which metal, really?</p>');
    expect(kept.poll).toMatchObject({ id: created.poll!.id, votes_count: 1, voters_count: 1, multiple: false });
    expect(Math.abs(Date.parse(kept.poll.expires_at) - (Date.now() + 7_200_000))).toBeLessThan(60_000);
    expect((await asBob.v1.polls.$select(created.poll!.id).fetch()).ownVotes).toEqual([1]);

    // New options: every vote is void, and bob may vote again.
    const changed = await asAlice.v1.statuses.$select(created.id).update({
      status: 'Which metal, really?',
      poll: { options: ['iron', 'copper', 'gold'], expiresIn: 600, multiple: true },
    });
    expect(changed.poll).toMatchObject({
      id: created.poll!.id,
      multiple: true,
      votesCount: 0,
      votersCount: 0,
      options: [
        { title: 'iron', votesCount: 0 },
        { title: 'copper', votesCount: 0 },
        { title: 'gold', votesCount: 0 },
      ],
    });
    const bobs = await asBob.v1.polls.$select(created.poll!.id).fetch();
    expect(bobs).toMatchObject({ voted: false, ownVotes: [] });
    const revoted = await asBob.v1.polls.$select(created.poll!.id).votes.create({ choices: [1, 2] });
    expect(revoted).toMatchObject({ votesCount: 2, votersCount: 1, ownVotes: [1, 2] });
    // GraphQL sees the same poll.
    expect(await graphqlPoll(created.id, alice)).toMatchObject({
      votesCount: 2,
      votersCount: 1,
      options: [
        { title: 'iron', votesCount: 0 },
        { title: 'copper', votesCount: 1 },
        { title: 'gold', votesCount: 1 },
      ],
    });

    // Bad polls are 422 and change nothing.
    const tooFew = await fetch(`${t.origin}/api/v1/statuses/${created.id}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${aliceToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'x', poll: { options: ['only'], expires_in: 600 } }),
    });
    expect(tooFew.status).toBe(422);
    expect(((await tooFew.json()) as { error: string }).error).toMatch(/at least 2/);
    expect((await asAlice.v1.statuses.$select(created.id).fetch()).poll).toMatchObject({ votesCount: 2 });

    // An edit without a poll removes it (Mastodon's edit sends the whole status).
    const removed = await asAlice.v1.statuses.$select(created.id).update({ status: 'No poll after all' });
    expect(removed.poll).toBeNull();
    expect((await raw(`/api/v1/polls/${created.poll!.id}`, bobToken)).status).toBe(404);
    // And an edit may add one to a post that had none.
    const added = await asAlice.v1.statuses.$select(created.id).update({
      status: 'A poll again',
      poll: { options: ['yes', 'no'], expiresIn: 300 },
    });
    expect(added.poll).toMatchObject({ votesCount: 0, options: [{ title: 'yes' }, { title: 'no' }] });

    // The history keeps each version's options, as Mastodon's StatusEdit does (none when it had no poll).
    const history = await raw(`/api/v1/statuses/${created.id}/history`, bobToken);
    expect(history.status).toBe(200);
    const versions = (await history.json()) as { content: string; poll: { options: { title: string }[] } | null }[];
    expectMastodonResponse('GET', `/api/v1/statuses/${created.id}/history`, 200, versions);
    expect(
      versions.map((version) => [version.content, version.poll?.options.map((option) => option.title) ?? null]),
    ).toEqual([
      ['<p>Which metal?</p>', ['iron', 'tin']],
      ['<p>Which metal, really?</p>', ['iron', 'tin']],
      ['<p>Which metal, really?</p>', ['iron', 'copper', 'gold']],
      ['<p>No poll after all</p>', null],
      ['<p>A poll again</p>', ['yes', 'no']],
    ]);
  });

  it('GraphQL updatePost replaces the poll by the same rules, and leaves it alone when not given', async () => {
    const post = await createPoll(alice);
    await t.gql(VOTE, { postId: post.id, choices: [0] }, bob.token);
    const UPDATE = `mutation($id: ID!, $input: UpdatePostInput!) { updatePost(id: $id, input: $input) { id ${POLL_FIELDS} } }`;
    const untouched = await t.gql<{ updatePost: { poll: GraphqlPoll } }>(
      UPDATE,
      { id: post.id, input: { content: 'Which wood, then?' } },
      alice.token,
    );
    expect(untouched.data?.updatePost.poll).toMatchObject({ id: post.poll.id, votesCount: 1 });
    const replaced = await t.gql<{ updatePost: { poll: GraphqlPoll } }>(
      UPDATE,
      { id: post.id, input: { poll: { options: ['birch', 'beech'], expiresIn: 900 } } },
      alice.token,
    );
    expect(replaced.data?.updatePost.poll).toMatchObject({
      id: post.poll.id,
      votesCount: 0,
      votersCount: 0,
      options: [
        { title: 'birch', votesCount: 0 },
        { title: 'beech', votesCount: 0 },
      ],
    });
    expect(await graphqlPoll(post.id, bob)).toMatchObject({ voted: false, ownVotes: [] });
    const edits = await t.gql<{ post: { edits: { content: string; pollOptions: string[] | null }[] } }>(
      'query($id: ID!) { post(id: $id) { edits { content pollOptions } } }',
      { id: post.id },
      bob.token,
    );
    // Both earlier versions had the first poll: the text changed first, then the poll.
    expect(edits.data?.post.edits).toEqual([
      { content: '<p>Which wood?</p>', pollOptions: ['oak', 'ash', 'elm'] },
      { content: '<p>Which wood, then?</p>', pollOptions: ['oak', 'ash', 'elm'] },
    ]);
  });

  it('schedules a status with a poll; it is published with the poll, running from publication', async () => {
    const aliceToken = await appToken(t, alice, 'read write');
    const asAlice = await rest(aliceToken);
    const at = new Date(Date.now() + 30 * 60_000).toISOString();
    const scheduled = await fetch(`${t.origin}/api/v1/statuses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${aliceToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        status: 'Later: which bird?',
        scheduled_at: at,
        poll: { options: [' owl ', 'wren'], expires_in: 3600, multiple: true },
      }),
    });
    expect(scheduled.status).toBe(200);
    const body = (await scheduled.json()) as { id: string; params: Record<string, unknown> };
    expect(body.params).toMatchObject({
      text: 'Later: which bird?',
      poll: { options: ['owl', 'wren'], expires_in: 3600, multiple: true, hide_totals: false },
    });
    const listed = await asAlice.v1.scheduledStatuses.$select(body.id).fetch();
    expect((listed.params as unknown as { poll: unknown }).poll).toEqual({
      options: ['owl', 'wren'],
      expiresIn: 3600,
      multiple: true,
      hideTotals: false,
    });

    const invalid = await fetch(`${t.origin}/api/v1/statuses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${aliceToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'x', scheduled_at: at, poll: { options: ['a', 'b'], expires_in: 10 } }),
    });
    expect(invalid.status).toBe(422);

    const post = await t.app.get(ScheduledPostService).publish(body.id);
    expect(post).not.toBeNull();
    const status = await asAlice.v1.statuses.$select(post!.id).fetch();
    expect(status.content).toBe('<p>Later: which bird?</p>');
    expect(status.poll).toMatchObject({
      multiple: true,
      votesCount: 0,
      options: [
        { title: 'owl', votesCount: 0 },
        { title: 'wren', votesCount: 0 },
      ],
    });
    expect(Math.abs(Date.parse(status.poll!.expiresAt!) - (Date.now() + 3_600_000))).toBeLessThan(60_000);
  });
});
