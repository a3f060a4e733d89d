import type { LikeActivity, PostActivity } from '@guildhall/content';
import {
  boostClaims,
  likeClaims,
  type MemberFacts,
  postClaims,
  ReconciliationFacts,
  standingAt,
} from './reconciliation.rules';

const JOINED = new Date('2026-01-01T00:00:00Z');
const AT = new Date('2026-02-01T00:00:00Z');
const member = (accountId: string, overrides: Partial<MemberFacts> = {}): MemberFacts => ({
  accountId,
  username: accountId,
  status: 'active',
  joinedAt: JOINED,
  withdrawnAt: null,
  ...overrides,
});
const facts = (...members: MemberFacts[]) => new ReconciliationFacts(new Map(members.map((m) => [m.accountId, m])));
const post = (overrides: Partial<PostActivity> = {}): PostActivity => ({
  id: 'p1',
  accountId: 'ana',
  accountDomain: null,
  local: true,
  createdAt: AT,
  deletedAt: null,
  inReplyToId: null,
  inReplyToAccountId: null,
  boostOfId: null,
  boostOfAccountId: null,
  boostOfDeletedAt: null,
  ...overrides,
});
const kinds = (claims: { kind: string }[]) => claims.map((c) => c.kind);

describe('reconciliation rules', () => {
  it('reads standing at a time from admission and leaving, and says when it cannot tell', () => {
    expect(standingAt(undefined, AT)).toBe('not-active');
    expect(standingAt(member('a', { status: 'pending', joinedAt: null }), AT)).toBe('not-active');
    expect(standingAt(member('a', { joinedAt: new Date('2026-03-01T00:00:00Z') }), AT)).toBe('not-active');
    expect(standingAt(member('a'), AT)).toBe('active');
    const left = member('a', { status: 'withdrawn', withdrawnAt: new Date('2026-01-15T00:00:00Z') });
    expect(standingAt(left, AT)).toBe('not-active');
    expect(standingAt(left, new Date('2026-01-10T00:00:00Z'))).toBe('active');
    expect(standingAt(member('a', { status: 'suspended' }), AT)).toEqual({
      unknown: 'now suspended, and coop_members does not record since when',
    });
  });

  it('gives PUBLISHED to an active local author, a reversal when deleted, nothing for a remote post', () => {
    const claims = postClaims(facts(member('ana')), post({ deletedAt: AT }));
    expect(claims).toEqual([
      expect.objectContaining({
        kind: 'due',
        contribution: { id: 'published:p1', type: 'PUBLISHED', memberId: 'ana', object: 'p1' },
      }),
      expect.objectContaining({ kind: 'reversal-due', target: 'published:p1' }),
    ]);
    expect(postClaims(facts(member('ana')), post({ local: false, accountDomain: 'far.example' }))).toEqual([]);
    expect(kinds(postClaims(facts(), post()))).toEqual(['not-due']);
  });

  it('gives ENGAGED for a reply from a member or a remote server, never for self-replies', () => {
    const reply = post({ id: 'r1', accountId: 'ben', inReplyToId: 'p1', inReplyToAccountId: 'ana' });
    expect(postClaims(facts(member('ana'), member('ben')), reply)[1]).toMatchObject({
      kind: 'due',
      contribution: { id: 'engaged:r1', type: 'ENGAGED', memberId: 'ana', actor: 'ben', object: 'p1' },
    });
    const remote = post({ id: 'r2', accountId: 'x', local: false, accountDomain: 'far.example' });
    expect(postClaims(facts(member('ana')), { ...remote, inReplyToId: 'p1', inReplyToAccountId: 'ana' })).toEqual([
      expect.objectContaining({ contribution: expect.objectContaining({ actor: 'instance:far.example' }) }),
    ]);
    const self = post({ id: 'r3', inReplyToId: 'p1', inReplyToAccountId: 'ana' });
    expect(postClaims(facts(member('ana')), self)[1]).toMatchObject({ kind: 'not-due', reason: 'self-engagement' });
  });

  it('gives ENGAGED and CURATED for a member boosting another member; undecidable reversals stay undecided', () => {
    const boost = post({ id: 'b1', accountId: 'ben', boostOfId: 'p1', boostOfAccountId: 'ana' });
    const both = facts(member('ana'), member('ben'));
    expect(kinds(boostClaims(both, boost))).toEqual(['due', 'due']);
    expect(kinds(boostClaims(both, { ...boost, deletedAt: AT }))).toEqual([
      'due',
      'due',
      'reversal-due',
      'reversal-unknown',
    ]);
    expect(kinds(boostClaims(both, { ...boost, deletedAt: AT, boostOfDeletedAt: AT }))).toEqual([
      'due',
      'due',
      'reversal-unknown',
      'reversal-unknown',
    ]);
    expect(kinds(boostClaims(facts(member('ana'), member('ben', { status: 'inactive' })), boost))).toEqual([
      'unknown',
      'unknown',
    ]);
  });

  it('gives ENGAGED for a like by another active member only', () => {
    const like: LikeActivity = {
      id: 'l1',
      accountId: 'ben',
      accountDomain: null,
      postId: 'p1',
      postAccountId: 'ana',
      createdAt: AT,
    };
    expect(kinds(likeClaims(facts(member('ana'), member('ben')), like))).toEqual(['due']);
    expect(likeClaims(facts(member('ana')), like)).toEqual([
      expect.objectContaining({ kind: 'not-due', reason: 'not by an active member' }),
    ]);
  });
});
