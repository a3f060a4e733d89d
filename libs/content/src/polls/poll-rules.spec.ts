import { ContentErrorCode, ContentException } from '../content.exception';
import { checkNewPoll, checkVote, graphemeLength, type VotablePoll } from './poll-rules';
import { toPollView } from './poll-view';
import type { PollEntity } from './poll.entity';

const note = { isArticle: false, mediaCount: 0 };

function codeOf(work: () => unknown): ContentErrorCode | null {
  try {
    work();
    return null;
  } catch (error) {
    if (error instanceof ContentException) return error.reason;
    throw error;
  }
}

describe('checkNewPoll', () => {
  it('strips options, drops blank ones and defaults multiple and hideTotals to false', () => {
    expect(checkNewPoll({ options: [' tea ', 'coffee', '   '], expiresIn: 300 }, note)).toEqual({
      options: ['tea', 'coffee'],
      expiresIn: 300,
      multiple: false,
      hideTotals: false,
    });
  });

  it.each([
    ['one option', { options: ['a'], expiresIn: 3600 }],
    ['two options of which one is blank', { options: ['a', ' '], expiresIn: 3600 }],
    ['five options', { options: ['a', 'b', 'c', 'd', 'e'], expiresIn: 3600 }],
    ['an option of 51 characters', { options: ['x'.repeat(51), 'b'], expiresIn: 3600 }],
    ['duplicate options', { options: ['a', 'a '], expiresIn: 3600 }],
    ['299 seconds', { options: ['a', 'b'], expiresIn: 299 }],
    ['a month and a second', { options: ['a', 'b'], expiresIn: 2_629_747 }],
    ['a fractional duration', { options: ['a', 'b'], expiresIn: 300.5 }],
  ])('refuses %s with INVALID_POLL', (_, input) => {
    expect(codeOf(() => checkNewPoll(input, note))).toBe(ContentErrorCode.InvalidPoll);
  });

  it('accepts the bounds: 4 options of 50 characters, 300 s and a month', () => {
    const options = ['a', 'b', 'c'].map((letter) => letter.repeat(50)).concat('👩‍👩‍👧‍👦'.repeat(50));
    expect(checkNewPoll({ options, expiresIn: 300 }, note).options).toHaveLength(4);
    expect(checkNewPoll({ options: ['a', 'b'], expiresIn: 2_629_746, multiple: true }, note).multiple).toBe(true);
  });

  it('refuses a poll on an article or beside media', () => {
    const input = { options: ['a', 'b'], expiresIn: 300 };
    expect(codeOf(() => checkNewPoll(input, { isArticle: true, mediaCount: 0 }))).toBe(ContentErrorCode.InvalidPoll);
    expect(codeOf(() => checkNewPoll(input, { isArticle: false, mediaCount: 1 }))).toBe(ContentErrorCode.InvalidPoll);
  });

  it('counts characters as people see them', () => {
    expect(graphemeLength('👩‍👩‍👧‍👦é')).toBe(2);
  });
});

describe('checkVote', () => {
  const now = new Date('2026-01-01T12:00:00Z');
  const single: VotablePoll = {
    options: ['a', 'b', 'c'],
    multiple: false,
    accountId: 'author',
    expiresAt: new Date('2026-01-01T13:00:00Z'),
  };
  const multiple: VotablePoll = { ...single, multiple: true };

  it('accepts a first vote, and more options later on a multiple-choice poll', () => {
    expect(codeOf(() => checkVote(single, 'voter', [], [2], now))).toBeNull();
    expect(codeOf(() => checkVote(multiple, 'voter', [], [0, 2], now))).toBeNull();
    expect(codeOf(() => checkVote(multiple, 'voter', [0], [1], now))).toBeNull();
  });

  it.each([
    ['an ended poll', single, [], [0], ContentErrorCode.PollExpired],
    ['no choice', single, [], [], ContentErrorCode.PollInvalidChoice],
    ['an index past the options', single, [], [3], ContentErrorCode.PollInvalidChoice],
    ['a negative index', single, [], [-1], ContentErrorCode.PollInvalidChoice],
    ['the same option twice', multiple, [], [1, 1], ContentErrorCode.PollInvalidChoice],
    ['two options on a single-choice poll', single, [], [0, 1], ContentErrorCode.PollInvalidChoice],
    ['a second vote on a single-choice poll', single, [1], [2], ContentErrorCode.PollAlreadyVoted],
    ['an option already chosen', multiple, [1], [1, 2], ContentErrorCode.PollAlreadyVoted],
  ] as const)('refuses %s', (_, poll, previous, choices, code) => {
    const at = code === ContentErrorCode.PollExpired ? new Date('2026-01-01T13:00:00Z') : now;
    expect(codeOf(() => checkVote(poll, 'voter', [...previous], [...choices], at))).toBe(code);
  });

  it("refuses the author's vote in their own poll", () => {
    expect(codeOf(() => checkVote(single, 'author', [], [0], now))).toBe(ContentErrorCode.PollOwnVote);
  });
});

describe('toPollView', () => {
  const poll = {
    id: 'p',
    postId: 'post',
    options: ['a', 'b'],
    votesCounts: [3, 1],
    multiple: false,
    hideTotals: true,
    votesCount: 4,
    votersCount: 4,
    expiresAt: new Date('2026-01-01T13:00:00Z'),
  } as PollEntity;

  it('hides the tallies of a hide-totals poll until it ends, then shows them', () => {
    const open = toPollView(poll, { accountId: 'voter', choices: [1] }, new Date('2026-01-01T12:00:00Z'));
    expect(open.options).toEqual([
      { title: 'a', votesCount: null },
      { title: 'b', votesCount: null },
    ]);
    expect(open).toMatchObject({ expired: false, voted: true, ownVotes: [1], votesCount: 4 });
    const ended = toPollView(poll, null, new Date('2026-01-01T13:00:00Z'));
    expect(ended.options.map((option) => option.votesCount)).toEqual([3, 1]);
    expect(ended).toMatchObject({ expired: true, voted: null, ownVotes: null });
  });

  it("counts its author as having voted (Mastodon's Poll#voted?), with no own votes", () => {
    const now = new Date('2026-01-01T12:00:00Z');
    expect(toPollView({ ...poll, accountId: 'author' }, { accountId: 'author', choices: [] }, now)).toMatchObject({
      voted: true,
      ownVotes: [],
    });
    expect(toPollView({ ...poll, accountId: 'author' }, { accountId: 'other', choices: [] }, now)).toMatchObject({
      voted: false,
      ownVotes: [],
    });
  });
});
