import { Injectable } from '@nestjs/common';
import { explainMember, type MemberExplanation } from '../engine/explain';
import {
  INSTANCE_ACTOR_PREFIX,
  SNAPSHOT_FORMAT,
  type PeriodParameters,
  type PeriodSnapshot,
  type SnapshotEvent,
} from '../engine/snapshot';
import { CloseSnapshotReader } from '../periods/close-snapshot.reader';
import { CoopPeriodRepository } from '../periods/coop-period.repository';
import { CoopEventRepository } from './coop-event.repository';

export interface ContributionPreviewData {
  /** The open period, or null before the first one opens. */
  period: { id: string; seq: number; startsAt: Date; endsAt: Date; parameters: PeriodParameters } | null;
  /** Null when the account is not an admitted member (nothing of its counts). */
  explanation: MemberExplanation | null;
}

/**
 * A member's contributions in the open period so far, as the close would score them if the
 * period ended on schedule now: the snapshot a close would build, cut down to the events that
 * decide this member's points (its own, and the whole budgets of those who engaged with it), run
 * through the engine's own rules (engine/explain.ts). Budget ties are broken by member id here,
 * by the period's pseudonyms at the close (ADR 0022): a share can differ there by one point.
 */
@Injectable()
export class ContributionPreview {
  constructor(
    private readonly periods: CoopPeriodRepository,
    private readonly snapshots: CloseSnapshotReader,
    private readonly events: CoopEventRepository,
  ) {}

  async forMember(accountId: string): Promise<ContributionPreviewData> {
    const open = await this.periods.findOpen();
    if (!open) return { period: null, explanation: null };
    const period = {
      id: open.id,
      seq: open.seq,
      startsAt: open.startsAt,
      endsAt: open.endsAt,
      parameters: open.parameters,
    };
    const budgetTypes = Object.entries(open.parameters.contributionTypes)
      .filter(([, definition]) => definition.rule === 'budget')
      .map(([type]) => type);
    const afterSeq = await this.periods.eventsThroughBefore(open.seq);
    const rows = await this.events.previewEvents(afterSeq, accountId, budgetTypes);
    const accounts = new Set([accountId]);
    for (const row of rows) {
      if (row.memberId) accounts.add(row.memberId);
      if (row.actor && !row.actor.startsWith(INSTANCE_ACTOR_PREFIX)) accounts.add(row.actor);
    }
    const members = await this.snapshots.snapshotMembers(undefined, [...accounts]);
    const me = members.find((m) => m.accountId === accountId);
    if (!me) return { period, explanation: null };
    const snapshot: PeriodSnapshot = {
      format: SNAPSHOT_FORMAT,
      period: { id: open.id, start: open.startsAt.toISOString(), end: open.endsAt.toISOString() },
      parameters: open.parameters,
      opening: { reserve: 0, commons: 0, lossCarryforward: 0 },
      money: { revenue: 0, costs: 0 },
      members: members.map(({ id, joinedAt, status, vestedUnits }) => ({ id, joinedAt, status, vestedUnits })),
      events: JSON.parse(`[${rows.map((r) => r.json).join(',')}]`) as SnapshotEvent[],
    };
    return { period, explanation: explainMember(snapshot, me.id) };
  }
}
