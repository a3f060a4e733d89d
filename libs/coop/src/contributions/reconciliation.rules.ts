import type { LikeActivity, PostActivity } from '@guildhall/content';
import type { CoopMemberStatus } from '../members/coop-member.entity';
import { Contribution, eventId, instanceActor } from './contribution.types';

/** What the co-op knows of a member's standing over time: admission and leaving, no more. */
export interface MemberFacts {
  accountId: string;
  username: string;
  status: CoopMemberStatus;
  joinedAt: Date | null;
  withdrawnAt: Date | null;
}

/** A contribution the recorder makes for a cause (the same id, so recording it again is a no-op). */
export interface DueContribution {
  id: string;
  type: typeof Contribution.Published | typeof Contribution.Engaged | typeof Contribution.Curated | 'SPENT';
  memberId: string;
  actor?: string | null;
  object?: string | null;
  amount?: number | null;
}

/**
 * What the recorder's rules (contribution.recorder.ts, payment repository) say about one cause:
 * `due` must be recorded, `not-due` must not be, `unknown` the data cannot tell; `reversal-due`:
 * when `target` was recorded, `reversal:<target>` must be too; `reversal-unknown` cannot tell.
 */
export type Claim =
  | { kind: 'due'; contribution: DueContribution; cause: string }
  | { kind: 'not-due'; id: string; cause: string; reason: string }
  | { kind: 'unknown'; id: string; cause: string; reason: string }
  | { kind: 'reversal-due'; target: string; cause: string }
  | { kind: 'reversal-unknown'; target: string; cause: string; reason: string };

type Standing = 'active' | 'not-active' | { unknown: string };

/**
 * Whether the account was an active member at `at`, as far as coop_members can tell: it keeps
 * admission (`joinedAt`) and leaving (`withdrawnAt`), not when a member became inactive or
 * suspended (nothing on the platform does that; an admin could in the database), so for those
 * the answer is unknown. A withdrawn or expelled member was active between the two: the
 * platform admits to `active` and moves no one out of it but by withdrawal or expulsion.
 */
export function standingAt(member: MemberFacts | undefined, at: Date): Standing {
  if (!member || member.status === 'pending' || !member.joinedAt || at < member.joinedAt) return 'not-active';
  switch (member.status) {
    case 'active':
      return 'active';
    case 'withdrawn':
    case 'expelled':
      if (!member.withdrawnAt) return { unknown: `${member.status} with no recorded time of leaving` };
      return at < member.withdrawnAt ? 'active' : 'not-active';
    case 'inactive':
    case 'suspended':
      return { unknown: `now ${member.status}, and coop_members does not record since when` };
  }
}

/** The facts the rules read: members by account id; a handle for readable causes. */
export class ReconciliationFacts {
  constructor(private readonly members: ReadonlyMap<string, MemberFacts>) {}

  standing(accountId: string, at: Date): Standing {
    return standingAt(this.members.get(accountId), at);
  }

  name(accountId: string): string {
    const member = this.members.get(accountId);
    return member ? `@${member.username}` : `account ${accountId}`;
  }
}

/** ENGAGED for `authorId` from another member, or from a remote server (contribution.recorder.ts). */
function engaged(
  facts: ReconciliationFacts,
  id: string,
  cause: string,
  authorId: string | null,
  object: string | null,
  by: { accountId: string; domain: string | null },
  at: Date,
): Claim {
  if (!authorId || !object) return { kind: 'unknown', id, cause, reason: 'the post engaged with is gone' };
  if (by.accountId === authorId) return { kind: 'not-due', id, cause, reason: 'self-engagement' };
  const author = facts.standing(authorId, at);
  if (author === 'not-active') return { kind: 'not-due', id, cause, reason: 'the author was not an active member' };
  if (author !== 'active') return { kind: 'unknown', id, cause, reason: `the author: ${author.unknown}` };
  let actor: string;
  if (by.domain === null) {
    const standing = facts.standing(by.accountId, at);
    if (standing === 'not-active') return { kind: 'not-due', id, cause, reason: 'not by an active member' };
    if (standing !== 'active') return { kind: 'unknown', id, cause, reason: `the actor: ${standing.unknown}` };
    actor = by.accountId;
  } else {
    actor = instanceActor(by.domain);
  }
  return {
    kind: 'due',
    cause,
    contribution: { id, type: Contribution.Engaged, memberId: authorId, actor, object },
  };
}

const when = (at: Date) => at.toISOString();

/** A post or article: PUBLISHED (local, active author), ENGAGED for a reply; reversed on delete. */
export function postClaims(facts: ReconciliationFacts, post: PostActivity): Claim[] {
  const claims: Claim[] = [];
  const cause = `post ${post.id} by ${facts.name(post.accountId)} at ${when(post.createdAt)}`;
  const published = eventId.published(post.id);
  if (post.local) {
    const standing = facts.standing(post.accountId, post.createdAt);
    if (standing === 'active') {
      claims.push({
        kind: 'due',
        cause,
        contribution: { id: published, type: Contribution.Published, memberId: post.accountId, object: post.id },
      });
    } else if (standing === 'not-active') {
      claims.push({ kind: 'not-due', id: published, cause, reason: 'the author was not an active member' });
    } else {
      claims.push({ kind: 'unknown', id: published, cause, reason: standing.unknown });
    }
    // A local post is deleted only through PostService.delete, which publishes PostDeleted.
    if (post.deletedAt) claims.push({ kind: 'reversal-due', target: published, cause: `${cause}, deleted` });
  }
  if (post.inReplyToAccountId) {
    const id = eventId.engaged(post.id);
    const reply = `reply ${post.id} by ${facts.name(post.accountId)} to ${facts.name(post.inReplyToAccountId)} at ${when(post.createdAt)}`;
    const by = { accountId: post.accountId, domain: post.local ? null : post.accountDomain };
    claims.push(engaged(facts, id, reply, post.inReplyToAccountId, post.inReplyToId, by, post.createdAt));
    if (post.deletedAt) {
      claims.push(
        post.local
          ? { kind: 'reversal-due', target: id, cause: `${reply}, deleted` }
          : {
              kind: 'reversal-unknown',
              target: id,
              cause: `${reply}, deleted`,
              reason: "a remote post goes by its server's Delete (reversed) or a domain purge (not)",
            },
      );
    }
  }
  return claims;
}

/** A boost: ENGAGED for the author, CURATED for a local member boosting another's post. */
export function boostClaims(facts: ReconciliationFacts, boost: PostActivity): Claim[] {
  const cause = `boost ${boost.id} by ${facts.name(boost.accountId)} of ${boost.boostOfId} at ${when(boost.createdAt)}`;
  const engagedId = eventId.engaged(boost.id);
  const curatedId = eventId.curated(boost.id);
  const by = { accountId: boost.accountId, domain: boost.local ? null : boost.accountDomain };
  const claims = [engaged(facts, engagedId, cause, boost.boostOfAccountId, boost.boostOfId, by, boost.createdAt)];
  const author = boost.boostOfAccountId;
  if (!boost.local || !author || author === boost.accountId) {
    claims.push({ kind: 'not-due', id: curatedId, cause, reason: 'not a local member boosting another member' });
  } else {
    const standings = [facts.standing(boost.accountId, boost.createdAt), facts.standing(author, boost.createdAt)];
    const unknown = standings.find((s): s is { unknown: string } => typeof s === 'object');
    if (standings.every((s) => s === 'active')) {
      claims.push({
        kind: 'due',
        cause,
        contribution: { id: curatedId, type: Contribution.Curated, memberId: boost.accountId, object: boost.boostOfId },
      });
    } else if (standings.includes('not-active')) {
      claims.push({ kind: 'not-due', id: curatedId, cause, reason: 'booster or author not an active member' });
    } else {
      claims.push({ kind: 'unknown', id: curatedId, cause, reason: unknown!.unknown });
    }
  }
  if (boost.deletedAt) {
    const gone = `${cause}, gone`;
    if (boost.boostOfDeletedAt) {
      const reason = 'the boosted post was deleted: the boost went with it (not reversed) or was undone before';
      claims.push({ kind: 'reversal-unknown', target: engagedId, cause: gone, reason });
      claims.push({ kind: 'reversal-unknown', target: curatedId, cause: gone, reason });
    } else if (boost.local) {
      // Undoing the boost reverses both; deleting the boost as a post reverses ENGAGED only.
      claims.push({ kind: 'reversal-due', target: engagedId, cause: gone });
      claims.push({
        kind: 'reversal-unknown',
        target: curatedId,
        cause: gone,
        reason: 'an undone boost reverses CURATED, a boost deleted as a post does not',
      });
    } else {
      const reason = "a remote boost goes by its server's Undo (reversed) or a domain purge (not)";
      claims.push({ kind: 'reversal-unknown', target: engagedId, cause: gone, reason });
    }
  }
  return claims;
}

/** A like that still exists: ENGAGED for the post's author. */
export function likeClaims(facts: ReconciliationFacts, like: LikeActivity): Claim[] {
  const cause = `like ${like.id} by ${facts.name(like.accountId)} of ${facts.name(like.postAccountId)}'s post ${like.postId} at ${when(like.createdAt)}`;
  const by = { accountId: like.accountId, domain: like.accountDomain };
  return [engaged(facts, eventId.engaged(like.id), cause, like.postAccountId, like.postId, by, like.createdAt)];
}

/** A member's payment (revenue): SPENT, whatever the standing (PaymentService admits it). */
export function paymentClaim(
  facts: ReconciliationFacts,
  payment: { id: string; memberId: string; amountCents: number },
): Claim {
  return {
    kind: 'due',
    cause: `payment ${payment.id} by ${facts.name(payment.memberId)}`,
    contribution: {
      id: eventId.spent(payment.id),
      type: Contribution.Spent,
      memberId: payment.memberId,
      amount: payment.amountCents,
    },
  };
}
