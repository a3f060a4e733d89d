import { DomainEvent } from '@guildhall/core';
import { PollService } from '@guildhall/content';
import { DataSource } from 'typeorm';
import { eventually } from './utils/eventually';
import { writtenEvents } from './utils/events';
import { NOTIFICATIONS, type NotificationPage } from './utils/notifications';
import { signUp, type SignedUp } from './utils/factories';
import { insertBlock } from './utils/graph';
import { createTestApp, type TestApp } from './utils/test-app';

const POLL_FIELDS =
  'poll { id expiresAt expired multiple hideTotals votesCount votersCount options { title votesCount } voted ownVotes }';
const CREATE = `mutation($input: CreatePostInput!) { createPost(input: $input) { id ${POLL_FIELDS} } }`;
const GET = `query($id: ID!) { post(id: $id) { id ${POLL_FIELDS} } }`;
const VOTE = `mutation($postId: ID!, $choices: [Int!]!) { votePoll(postId: $postId, choices: $choices) {
  votesCount votersCount options { title votesCount } voted ownVotes } }`;

interface PollView {
  id: string;
  expiresAt: string | null;
  expired: boolean;
  multiple: boolean;
  hideTotals: boolean;
  votesCount: number;
  votersCount: number | null;
  options: { title: string; votesCount: number | null }[];
  voted: boolean | null;
  ownVotes: number[] | null;
}

describe('polls over GraphQL', () => {
  let t: TestApp;
  let db: DataSource;
  let alice: SignedUp;
  let bob: SignedUp;
  let carol: SignedUp;

  const createPoll = async (who: SignedUp, poll: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const res = await t.gql<{ createPost: { id: string; poll: PollView } }>(
      CREATE,
      { input: { content: 'Which one?', ...extra, poll } },
      who.token,
    );
    if (!res.data) throw new Error(JSON.stringify(res.errors));
    return res.data.createPost;
  };
  const get = async (id: string, who?: SignedUp) =>
    (await t.gql<{ post: { poll: PollView | null } | null }>(GET, { id }, who?.token)).data?.post?.poll ?? null;
  const vote = (who: SignedUp, postId: string, choices: number[]) =>
    t.gql<{ votePoll: Omit<PollView, 'id'> }>(VOTE, { postId, choices }, who.token);
  const reason = async (who: SignedUp, postId: string, choices: number[]) =>
    (await vote(who, postId, choices)).errors?.[0].extensions.reason;
  const rowCount = async (sql: string, params: unknown[]) =>
    Number((await db.query<{ n: string }[]>(sql, params))[0].n);

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    [alice, bob, carol] = [await signUp(t), await signUp(t), await signUp(t)];
  });
  afterAll(() => t.close());

  it('publishes a note with a poll: options, an end 5 minutes on, zero tallies', async () => {
    const before = Date.now();
    const post = await createPoll(alice, { options: [' Tea ', 'Coffee', ''], expiresIn: 300 });
    expect(post.poll).toMatchObject({
      expired: false,
      multiple: false,
      hideTotals: false,
      votesCount: 0,
      votersCount: 0,
      options: [
        { title: 'Tea', votesCount: 0 },
        { title: 'Coffee', votesCount: 0 },
      ],
      voted: true, // its author, as Mastodon counts
      ownVotes: [],
    });
    const ends = Date.parse(post.poll.expiresAt!);
    expect(ends).toBeGreaterThanOrEqual(before + 300_000 - 1_000);
    expect(ends).toBeLessThanOrEqual(Date.now() + 300_000 + 1_000);
    // Signed out: no voted / ownVotes.
    expect(await get(post.id)).toMatchObject({ voted: null, ownVotes: null, votesCount: 0 });
  });

  it('refuses bad polls with a clear error and writes no post', async () => {
    const posts = await rowCount('SELECT count(*) AS n FROM posts WHERE account_id = $1', [alice.account.id]);
    const cases: [Record<string, unknown>, Record<string, unknown>, string][] = [
      [{ options: ['a'], expiresIn: 300 }, {}, 'BAD_USER_INPUT'],
      [{ options: ['a', 'b', 'c', 'd', 'e'], expiresIn: 300 }, {}, 'BAD_USER_INPUT'],
      [{ options: ['a', 'b'], expiresIn: 299 }, {}, 'BAD_USER_INPUT'],
      [{ options: ['a', 'b'], expiresIn: 2_629_747 }, {}, 'BAD_USER_INPUT'],
      [{ options: ['x'.repeat(51), 'b'], expiresIn: 300 }, {}, 'INVALID_POLL'],
      [{ options: ['same', 'same'], expiresIn: 300 }, {}, 'INVALID_POLL'],
      [{ options: ['a', ' '], expiresIn: 300 }, {}, 'INVALID_POLL'],
      [{ options: ['a', 'b'], expiresIn: 300 }, { title: 'An article' }, 'INVALID_POLL'],
    ];
    for (const [poll, extra, expected] of cases) {
      const res = await t.gql(CREATE, { input: { content: 'Q?', ...extra, poll } }, alice.token);
      const error = res.errors?.[0].extensions;
      expect(error?.code === expected || error?.reason === expected).toBe(true);
    }
    expect(await rowCount('SELECT count(*) AS n FROM posts WHERE account_id = $1', [alice.account.id])).toBe(posts);
  });

  it("counts votes by Mastodon's rules: one per single-choice poll, never one's own, never a bad index", async () => {
    const { id } = await createPoll(alice, { options: ['Tea', 'Coffee', 'Water'], expiresIn: 3600 });
    const res = await vote(bob, id, [1]);
    expect(res.data?.votePoll).toEqual({
      votesCount: 1,
      votersCount: 1,
      options: [
        { title: 'Tea', votesCount: 0 },
        { title: 'Coffee', votesCount: 1 },
        { title: 'Water', votesCount: 0 },
      ],
      voted: true,
      ownVotes: [1],
    });
    expect(await reason(bob, id, [1])).toBe('POLL_ALREADY_VOTED');
    expect(await reason(bob, id, [2])).toBe('POLL_ALREADY_VOTED');
    expect(await reason(carol, id, [0, 2])).toBe('POLL_INVALID_CHOICE');
    expect(await reason(carol, id, [3])).toBe('POLL_INVALID_CHOICE');
    expect(await reason(alice, id, [0])).toBe('POLL_OWN_VOTE');
    expect((await vote(carol, id, [-1])).errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await vote(carol, id, [])).errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    // Nothing of the refused votes was written.
    expect(await get(id, carol)).toMatchObject({ votesCount: 1, votersCount: 1, voted: false, ownVotes: [] });
    expect(await get(id, bob)).toMatchObject({ voted: true, ownVotes: [1] });
    expect(await rowCount('SELECT count(*) AS n FROM poll_votes WHERE poll_id = $1', [(await get(id))!.id])).toBe(1);
    // The vote is an event for federation (a local poll: its tallies go to its audience).
    const events = (await writtenEvents(t.app, [DomainEvent.PollVoted])).filter((e) => e.payload.postId === id);
    expect(events).toHaveLength(1);
    expect(events[0].payload).toMatchObject({
      postAuthorId: alice.account.id,
      accountId: bob.account.id,
      accountLocal: true,
      postLocal: true,
      hideTotals: false,
    });
    expect(events[0].payload.voteIds).toHaveLength(1);
  });

  it('takes several choices on a multiple-choice poll, and more later, counting the voter once', async () => {
    const { id } = await createPoll(alice, { options: ['Red', 'Green', 'Blue'], expiresIn: 3600, multiple: true });
    expect((await vote(bob, id, [2, 0])).data?.votePoll).toMatchObject({
      votesCount: 2,
      votersCount: 1,
      ownVotes: [0, 2],
    });
    expect(await reason(bob, id, [0])).toBe('POLL_ALREADY_VOTED');
    expect(await reason(bob, id, [1, 1])).toBe('POLL_INVALID_CHOICE');
    expect((await vote(bob, id, [1])).data?.votePoll).toMatchObject({
      votesCount: 3,
      votersCount: 1,
      options: [
        { title: 'Red', votesCount: 1 },
        { title: 'Green', votesCount: 1 },
        { title: 'Blue', votesCount: 1 },
      ],
      ownVotes: [0, 1, 2],
    });
    expect((await get(id))?.multiple).toBe(true);
  });

  it('counts two simultaneous identical votes once', async () => {
    const { id } = await createPoll(alice, { options: ['Yes', 'No'], expiresIn: 3600 });
    const results = await Promise.all([vote(carol, id, [0]), vote(carol, id, [0]), vote(carol, id, [0])]);
    expect(results.filter((res) => res.data?.votePoll).length).toBe(1);
    expect(results.filter((res) => res.errors?.[0].extensions.reason === 'POLL_ALREADY_VOTED').length).toBe(2);
    expect(await get(id)).toMatchObject({
      votesCount: 1,
      votersCount: 1,
      options: [{ votesCount: 1 }, { votesCount: 0 }],
    });
  });

  it('hides the tallies of a hide-totals poll until it ends; an ended poll takes no vote', async () => {
    const { id } = await createPoll(alice, { options: ['A', 'B'], expiresIn: 600, hideTotals: true });
    expect((await vote(bob, id, [0])).data?.votePoll).toMatchObject({
      votesCount: 1,
      options: [
        { title: 'A', votesCount: null },
        { title: 'B', votesCount: null },
      ],
    });
    // Time passes: the poll ended a second ago.
    await db.query(`UPDATE polls SET expires_at = now() - interval '1 second' WHERE post_id = $1`, [id]);
    expect(await get(id)).toMatchObject({
      expired: true,
      options: [
        { title: 'A', votesCount: 1 },
        { title: 'B', votesCount: 0 },
      ],
    });
    expect(await reason(carol, id, [1])).toBe('POLL_EXPIRED');
    expect((await get(id))?.votesCount).toBe(1);
  });

  it("closes an ended poll once: its local voters and its author get a 'poll' notification", async () => {
    const { id } = await createPoll(alice, { options: ['Now', 'Later'], expiresIn: 300 });
    await vote(bob, id, [1]);
    await vote(carol, id, [0]);
    const service = t.app.get(PollService);
    // Not ended yet: nothing to close for this poll.
    await service.closeExpired();
    expect(await db.query('SELECT closed_at FROM polls WHERE post_id = $1', [id])).toEqual([{ closed_at: null }]);

    await db.query(`UPDATE polls SET expires_at = now() - interval '1 second' WHERE post_id = $1`, [id]);
    expect(await service.closeExpired()).toBeGreaterThanOrEqual(1);
    expect(await service.closeExpired()).toBe(0);
    const [closed] = await db.query<{ closed_at: Date | null }[]>('SELECT closed_at FROM polls WHERE post_id = $1', [
      id,
    ]);
    expect(closed.closed_at).toBeInstanceOf(Date);
    const ended = (await writtenEvents(t.app, [DomainEvent.PollExpired])).filter((e) => e.payload.postId === id);
    expect(ended).toHaveLength(1);
    expect(ended[0].payload).toMatchObject({ authorId: alice.account.id, postLocal: true });
    expect([...(ended[0].payload.localVoterIds as string[])].sort()).toEqual([bob.account.id, carol.account.id].sort());

    for (const who of [alice, bob, carol]) {
      await eventually(
        () =>
          db.query<{ type: string; from_account_id: string }[]>(
            'SELECT type, from_account_id FROM notifications WHERE account_id = $1 AND post_id = $2',
            [who.account.id, id],
          ),
        (rows) => expect(rows).toEqual([{ type: 'poll', from_account_id: alice.account.id }]),
      );
    }
    const page = await t.gql<NotificationPage>(NOTIFICATIONS, { first: 5 }, bob.token);
    expect(page.data?.notifications.edges[0].node).toMatchObject({
      type: 'POLL',
      account: { handle: alice.username },
    });
  });

  it('refuses a vote on a post the voter may not see, or that has no poll', async () => {
    const hidden = await createPoll(alice, { options: ['A', 'B'], expiresIn: 600 }, { visibility: 'FOLLOWERS' });
    expect(await reason(bob, hidden.id, [0])).toBe('POST_NOT_FOUND');
    const blocked = await createPoll(carol, { options: ['A', 'B'], expiresIn: 600 });
    await insertBlock(t, carol.account.id, bob.account.id);
    expect(await reason(bob, blocked.id, [0])).toBe('POST_NOT_FOUND');
    const plain = await t.gql<{ createPost: { id: string } }>(CREATE, { input: { content: 'no poll' } }, alice.token);
    expect(await reason(bob, plain.data!.createPost.id, [0])).toBe('POLL_NOT_FOUND');
    expect(await get(plain.data!.createPost.id)).toBeNull();
    expect((await t.gql(VOTE, { postId: hidden.id, choices: [0] })).errors?.[0].extensions.code).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('reads and votes by the poll id too (for the Mastodon API), with the same visibility', async () => {
    const service = t.app.get(PollService);
    const { id, poll } = await createPoll(
      alice,
      { options: ['One', 'Two'], expiresIn: 600 },
      { visibility: 'FOLLOWERS' },
    );
    expect(await service.findVisible(poll.id, alice.account.id)).toMatchObject({
      id: poll.id,
      postId: id,
      voted: true,
    });
    expect(await service.findVisible(poll.id, bob.account.id)).toBeNull();
    expect(await service.findVisible(poll.id, null)).toBeNull();
    expect(await service.findVisible('not-a-uuid', alice.account.id)).toBeNull();
    await expect(service.voteByPollId(bob.account.id, '1', [0])).rejects.toMatchObject({ reason: 'POLL_NOT_FOUND' });
    await expect(service.voteByPollId(bob.account.id, poll.id, [0])).rejects.toMatchObject({
      reason: 'POST_NOT_FOUND',
    });
    await expect(
      service.voteByPollId(bob.account.id, '00000000-0000-7000-8000-000000000000', [0]),
    ).rejects.toMatchObject({
      reason: 'POLL_NOT_FOUND',
    });
    const open = await createPoll(alice, { options: ['One', 'Two'], expiresIn: 600 });
    expect(await service.voteByPollId(bob.account.id, open.poll.id, [1])).toMatchObject({
      id: open.poll.id,
      votesCount: 1,
      ownVotes: [1],
    });
  });

  it('reads the polls of a page of posts in one batch', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createPoll(alice, { options: ['x', 'y'], expiresIn: 600 })).id);
    const batches = jest.spyOn(t.app.get(PollService), 'pollsForPosts');
    const res = await t.gql<{ timeline: { edges: { node: { id: string; poll: PollView | null } }[] } }>(
      `query { timeline(kind: LOCAL, first: 20) { edges { node { id ${POLL_FIELDS} } } } }`,
      {},
      bob.token,
    );
    const polls = res.data!.timeline.edges.filter((edge) => ids.includes(edge.node.id));
    expect(polls).toHaveLength(5);
    expect(polls.every((edge) => edge.node.poll?.options.length === 2 && edge.node.poll.voted === false)).toBe(true);
    expect(batches).toHaveBeenCalledTimes(1);
    expect(batches.mock.calls[0][0].length).toBe(res.data!.timeline.edges.length);
    batches.mockRestore();
  });
});
