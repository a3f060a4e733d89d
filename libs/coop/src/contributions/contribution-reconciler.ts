import { Injectable, Logger } from '@nestjs/common';
import { ActivityRepository, type LikeActivity, type PostActivity } from '@guildhall/content';
import { UUID_PATTERN } from '@guildhall/core';
import { AccountService } from '@guildhall/identity';
import { CoopEventRepository } from './coop-event.repository';
import { Contribution, eventId } from './contribution.types';
import { type OpenWindow, ReconciliationRepository, type RecordedEvent } from './reconciliation.repository';
import {
  boostClaims,
  type Claim,
  type DueContribution,
  likeClaims,
  paymentClaim,
  postClaims,
  ReconciliationFacts,
} from './reconciliation.rules';

/** One difference, readable: the event id, what it is, whose, and the action that caused it. */
export interface ReconciliationItem {
  id: string;
  type?: string;
  member?: string;
  cause: string;
  reason?: string;
}

export interface ReconciliationReport {
  ok: boolean;
  /** The open period checked (null: none open yet, nothing to check). */
  period: string | null;
  /** Actions from this instant on (the last close) are checked; null: since the beginning. */
  since: string | null;
  checked: { posts: number; likes: number; payments: number; recorded: number };
  /** Due and not recorded: `--repair` records them. */
  missing: ReconciliationItem[];
  /** Recorded, though the rules say the action earns nothing. */
  unexpected: ReconciliationItem[];
  /** Recorded under the right id with other fields. */
  mismatched: ReconciliationItem[];
  /** The action was undone or deleted, the contribution stands: `--repair` records the reversal. */
  reversalsMissing: ReconciliationItem[];
  /** The data cannot tell whether a contribution or reversal is due: listed, never guessed. */
  undetermined: ReconciliationItem[];
  /** With `--repair`: what it recorded (the report is the check after it). */
  repaired?: { contributions: number; reversals: number };
}

const SCORED: string[] = [Contribution.Published, Contribution.Engaged, Contribution.Curated, Contribution.Spent];
const causeId = (id: string) => id.slice(id.indexOf(':') + 1);

/**
 * `guildhall coop verify`'s check of the open period's contributions: every post, like, boost,
 * reply and member payment since the last close is run through the recorder's rules
 * (reconciliation.rules.ts) and compared with what coop_events holds; `repair` records what is
 * missing under the recorder's own ids (a repeat records nothing, nothing counts twice).
 * Contributions of closed periods are never touched: their closes are final (SPEC §4.2).
 */
@Injectable()
export class ContributionReconciler {
  private readonly logger = new Logger(ContributionReconciler.name);

  constructor(
    private readonly repository: ReconciliationRepository,
    private readonly activity: ActivityRepository,
    private readonly events: CoopEventRepository,
    private readonly accounts: AccountService,
  ) {}

  async reconcile(options: { repair?: boolean } = {}): Promise<ReconciliationReport> {
    const { report, pending } = await this.check();
    if (!options.repair) return report;
    let contributions = 0;
    let reversals = 0;
    for (const item of report.missing) {
      const due = pending.get(item.id);
      if (due && (await this.events.record(due))) contributions++;
    }
    for (const item of report.reversalsMissing) {
      if (await this.events.reverse(item.id.slice('reversal:'.length))) reversals++;
    }
    if (contributions || reversals) {
      this.logger.log({ msg: 'contributions repaired', period: report.period, contributions, reversals });
    }
    return { ...(await this.check()).report, repaired: { contributions, reversals } };
  }

  /** The report, and the missing contributions by id (what repair records). */
  private async check(): Promise<{ report: ReconciliationReport; pending: Map<string, DueContribution> }> {
    const pending = new Map<string, DueContribution>();
    const window = await this.repository.openWindow();
    const empty = { posts: 0, likes: 0, payments: 0, recorded: 0 };
    const report: ReconciliationReport = {
      ok: true,
      period: window?.periodId ?? null,
      since: window?.since?.toISOString() ?? null,
      checked: empty,
      missing: [],
      unexpected: [],
      mismatched: [],
      reversalsMissing: [],
      undetermined: [],
    };
    if (!window) return { report, pending };
    const facts = new ReconciliationFacts(new Map((await this.repository.members()).map((m) => [m.accountId, m])));
    const recorded = await this.repository.recordedAfter(window.eventsThrough);
    const inPeriod = new Map(recorded.map((e) => [e.id, e]));
    const { posts, likes } = await this.causes(window, recorded);
    const payments = await this.repository.memberPayments(window.paymentsThrough);
    report.checked = { posts: posts.length, likes: likes.length, payments: payments.length, recorded: recorded.length };

    const claims: Claim[] = [
      ...posts.flatMap((p) => (p.boostOfId ? boostClaims(facts, p) : postClaims(facts, p))),
      ...likes.flatMap((l) => likeClaims(facts, l)),
      ...payments.map((p) => paymentClaim(facts, p)),
    ];
    const ids = claims.flatMap((c) =>
      c.kind === 'due'
        ? [c.contribution.id]
        : c.kind === 'reversal-due' || c.kind === 'reversal-unknown'
          ? [c.target, eventId.reversal(c.target)]
          : [c.id],
    );
    const ever = await this.repository.recordedAmong(ids);
    const claimed = new Set<string>();
    const member = (id: string | null | undefined) => (id ? facts.name(id) : undefined);

    for (const claim of claims) {
      if (claim.kind === 'due') {
        const due = claim.contribution;
        claimed.add(due.id);
        const item = { id: due.id, type: due.type, member: member(due.memberId), cause: claim.cause };
        const stored = inPeriod.get(due.id);
        if (!ever.has(due.id)) {
          report.missing.push(item);
          pending.set(due.id, due);
        } else if (stored && differs(stored, due)) {
          report.mismatched.push({ ...item, reason: `recorded as ${describe(stored)}` });
        }
      } else if (claim.kind === 'not-due') {
        claimed.add(claim.id);
        const stored = inPeriod.get(claim.id);
        if (stored) {
          report.unexpected.push({
            id: claim.id,
            type: stored.type,
            member: member(stored.memberId),
            cause: claim.cause,
            reason: claim.reason,
          });
        }
      } else if (claim.kind === 'unknown') {
        claimed.add(claim.id);
        if (!ever.has(claim.id)) report.undetermined.push({ id: claim.id, cause: claim.cause, reason: claim.reason });
      } else {
        // A reversal matters only for a contribution this period counts (or repair is recording).
        const counted = inPeriod.has(claim.target) || pending.has(claim.target);
        const reversal = eventId.reversal(claim.target);
        if (!counted || ever.has(reversal)) continue;
        if (claim.kind === 'reversal-due') report.reversalsMissing.push({ id: reversal, cause: claim.cause });
        else report.undetermined.push({ id: reversal, cause: claim.cause, reason: claim.reason });
      }
    }
    await this.unexplained(
      facts,
      recorded.filter((e) => SCORED.includes(e.type) && !claimed.has(e.id)),
      inPeriod,
      report,
    );
    report.ok =
      report.missing.length === 0 &&
      report.unexpected.length === 0 &&
      report.mismatched.length === 0 &&
      report.reversalsMissing.length === 0;
    return { report, pending };
  }

  /**
   * The posts and likes to check: those made since the last close, and the causes of the events
   * this period counts that were made before (recorded late) — those content still has.
   */
  private async causes(
    window: OpenWindow,
    recorded: RecordedEvent[],
  ): Promise<{ posts: PostActivity[]; likes: LikeActivity[] }> {
    const posts = await this.activity.postsCreatedSince(window.since);
    const likes = await this.activity.likesCreatedSince(window.since);
    const known = new Set([...posts.map((p) => p.id), ...likes.map((l) => l.id)]);
    const older = [
      ...new Set(
        recorded
          .filter((e) => e.type !== Contribution.Reversal && e.type !== Contribution.Spent)
          .map((e) => causeId(e.id))
          .filter((id) => UUID_PATTERN.test(id) && !known.has(id)),
      ),
    ];
    posts.push(...(await this.activity.postsByIds(older)));
    const found = new Set(posts.map((p) => p.id));
    likes.push(...(await this.activity.likesByIds(older.filter((id) => !found.has(id)))));
    return { posts, likes };
  }

  /**
   * Events this period counts whose cause content no longer holds. An ENGAGED by a local account
   * that still exists, on a post that still exists, was a like that was undone (the like's row
   * is deleted then): its reversal is due. Anything else cannot be told.
   */
  private async unexplained(
    facts: ReconciliationFacts,
    events: RecordedEvent[],
    inPeriod: ReadonlyMap<string, RecordedEvent>,
    report: ReconciliationReport,
  ): Promise<void> {
    const objects = events.filter((e) => e.type === Contribution.Engaged && e.object && UUID_PATTERN.test(e.object));
    const posts = new Set((await this.activity.postsByIds(objects.map((e) => e.object!))).map((p) => p.id));
    for (const event of events) {
      const reversal = eventId.reversal(event.id);
      if (inPeriod.has(reversal)) continue;
      const cause = `${event.type} ${event.id} for ${facts.name(event.memberId ?? '')}`;
      const localActor = event.actor && !event.actor.startsWith('instance:') ? event.actor : null;
      const undoneLike =
        event.type === Contribution.Engaged &&
        localActor !== null &&
        event.object !== null &&
        posts.has(event.object) &&
        (await this.accounts.findById(localActor)) !== null;
      if (undoneLike) {
        report.reversalsMissing.push({
          id: reversal,
          cause: `like ${causeId(event.id)} by ${facts.name(localActor)} of post ${event.object}: undone`,
        });
      } else {
        report.undetermined.push({ id: event.id, cause, reason: 'its post, like, boost or payment is gone' });
      }
    }
  }
}

function differs(stored: RecordedEvent, due: DueContribution): boolean {
  return (
    stored.type !== due.type ||
    stored.memberId !== due.memberId ||
    (stored.actor ?? null) !== (due.actor ?? null) ||
    (stored.object ?? null) !== (due.object ?? null) ||
    (stored.amount ?? null) !== (due.amount ?? null)
  );
}

const describe = (e: RecordedEvent) =>
  JSON.stringify({ type: e.type, member: e.memberId, actor: e.actor, object: e.object, amount: e.amount });
