import { Injectable, Logger } from '@nestjs/common';
import { AuditLog, Metrics } from '@guildhall/core';
import type { EntityManager } from 'typeorm';
import { InvalidSnapshotError } from '../coop.exception';
import { CoopServiceErrorCode, CoopServiceException } from '../coop-service.exception';
import { CanonicalArrayHash, canonicalHash } from '../engine/canonical-json';
import { allocateColumns, sealResult, type EnginePhases } from '../engine/close-period';
import { EventColumnsJson, type EventColumns } from '../engine/event-columns';
import { SNAPSHOT_FORMAT, type Allocation, type PeriodResult, type PeriodSnapshot } from '../engine/snapshot';
import { DEFAULT_PARAMETERS, DEFAULT_VESTING_PERIODS } from '../bylaws';
import { AdoptedParameters } from '../governance/adopted-parameters';
import { closePostings } from '../ledger/close-postings';
import { LedgerRepository } from '../ledger/ledger.repository';
import { LedgerService } from '../ledger/ledger.service';
import {
  newPseudonymKey,
  SnapshotPublisher,
  withEvents,
  type PublishedHead,
  type PublishedSnapshot,
} from '../transparency/published-snapshot';
import { RecordedChunks } from '../transparency/recorded-chunks';
import type { CoopPeriodEntity, PeriodRow } from './coop-period.entity';
import { CloseSnapshotReader, type MemberRow } from './close-snapshot.reader';
import { CoopPeriodRepository } from './coop-period.repository';
import { closePhaseSeconds, phaseTimer, type ClosePhases } from './close-phases';
import { settledLater, whenSent } from './in-flight';
import { monthStart, nextMonthStart, periodId } from './period-calendar';

export interface PeriodCloseOutcome {
  snapshot: PeriodSnapshot;
  result: PeriodResult;
  /** False when the period was closed already: nothing was posted this time. */
  posted: boolean;
  /** When posted: milliseconds per phase of the close (the commit is not among them). */
  phases?: ClosePhases;
  /** When posted: this process's peak RSS (MB) so far at the end of each phase. */
  peakRssMB?: ClosePhases;
}

export interface CloseOptions {
  /** The acting account, for the audit log (null: the system, e.g. the CLI). */
  actorId?: string | null;
  /**
   * End the period at this instant instead of now (a preview's `asOf`), so that the close
   * posts exactly what was previewed when nothing was recorded since (ADR 0045). At most
   * PREVIEW_VALID_MS old, not in the future, after the period's start.
   */
  asOf?: Date;
}

/** What the close would post now: computed in a read-only transaction, nothing written. */
export interface PeriodClosePreview {
  period: CoopPeriodEntity;
  /** The instant the preview ended the period at; pass it to close() to end it there too. */
  asOf: Date;
  snapshot: PublishedSnapshot;
  result: PeriodResult;
  /** The result's member ids (this period's pseudonyms) → usernames: for stewards, never published. */
  handles: ReadonlyMap<string, string>;
  /** Events recorded in the period (internal, before the published snapshot's summing). */
  recordedEvents: number;
  /** Admitted members (pending applications are not members). */
  members: number;
}

/** The open period and what was recorded in it so far. */
export interface OpenPeriodStatus {
  period: CoopPeriodEntity;
  /** Contribution events recorded (reversals included), as the close will read them. */
  events: number;
  revenueCents: number;
  costsCents: number;
}

/** A preview older than this cannot end a close: preview again. */
export const PREVIEW_VALID_MS = 60 * 60 * 1000;

export const closeKey = (periodId: string) => `close:${periodId}`;

/**
 * Opens and closes periods. A close builds the snapshot from the database, runs the pure engine
 * and posts the result to both ledgers, all in one serializable transaction under the close
 * lock; closing a closed period returns its stored snapshot and result and posts nothing.
 */
@Injectable()
export class PeriodService {
  private readonly logger = new Logger(PeriodService.name);

  constructor(
    private readonly periods: CoopPeriodRepository,
    private readonly snapshots: CloseSnapshotReader,
    private readonly ledgerService: LedgerService,
    private readonly ledger: LedgerRepository,
    private readonly adopted: AdoptedParameters,
    private readonly audit: AuditLog,
    private readonly metrics: Metrics,
  ) {}

  /** The open period, opening the first one (this month, default parameters) when there is none. */
  async current(): Promise<CoopPeriodEntity> {
    const open = await this.periods.findOpen();
    if (open) return open;
    await this.periods.withCloseLock((manager) => this.openNext(manager, new Date(), null));
    const opened = await this.periods.findOpen();
    if (!opened) throw new Error('no open period after opening one');
    return opened;
  }

  /** The open period (opening the first one, as current()) and its events and money so far. */
  async openStatus(): Promise<OpenPeriodStatus> {
    const period = await this.current();
    const previous = await this.periods.findPrevious(period.seq);
    const activity = await this.periods.activitySince(previous?.eventsThrough ?? 0, previous?.paymentsThrough ?? 0);
    return { period, ...activity };
  }

  find(id: string): Promise<CoopPeriodEntity | null> {
    return this.periods.findById(id);
  }

  /**
   * Closes `id` (default: the open period) and opens the next one; audit-logged as
   * `coop.close_period` in the close's transaction when it posts.
   */
  async close(id?: string, options: CloseOptions = {}): Promise<PeriodCloseOutcome> {
    const target = id ?? (await this.current()).id;
    const outcome = await this.periods.withCloseLock(async (manager) => {
      const period = await this.periods.findWithoutSnapshots(target, manager);
      if (!period) throw new CoopServiceException(CoopServiceErrorCode.PeriodNotFound, `No period ${target}`);
      if (period.status === 'closed') {
        const snapshot = await this.periods.publishedSnapshotOf(period.id, manager);
        return { snapshot: snapshot!, result: period.result as PeriodResult, posted: false };
      }
      const closedAt = new Date();
      if (options.asOf) checkAsOf(options.asOf, period, closedAt);
      const outcome = await this.closeOpen(manager, period, closedAt, options.asOf ?? closedAt);
      await this.audit.record(manager, {
        actorId: options.actorId ?? null,
        action: 'coop.close_period',
        subject: period.id,
        details: {
          end: outcome.snapshot.period.end,
          inputHash: outcome.result.inputHash,
          outputHash: outcome.result.outputHash,
          revenueCents: outcome.snapshot.money.revenue,
          costsCents: outcome.snapshot.money.costs,
          members: outcome.result.members.length,
        },
      });
      return outcome;
    });
    // Recorded once committed: a close rolled back (or tried again) is not a close.
    if (outcome.phases) {
      for (const [phase, seconds] of closePhaseSeconds(outcome.phases))
        this.metrics.observePeriodClosePhase(phase, seconds);
    }
    return outcome;
  }

  /**
   * What closing the open period now would give: the snapshot built exactly as close() builds
   * it and the engine's result with both hashes, in a read-only transaction rolled back at the
   * end (nothing stored, nothing posted, nothing opened). Closing with `asOf` gives the same
   * result and hashes when nothing was recorded in between.
   */
  previewClose(): Promise<PeriodClosePreview> {
    return this.periods.readOnly(async (manager) => {
      const period = await this.periods.findOpen(manager);
      if (!period) throw new CoopServiceException(CoopServiceErrorCode.PeriodNotFound, 'No period is open');
      const asOf = new Date();
      const end = asOf < period.endsAt ? asOf : period.endsAt;
      const built = await this.buildSnapshot(manager, period, end, period.pseudonymKey ?? newPseudonymKey(), null);
      const { head, columns, pseudonyms } = built;
      const allocation = this.allocate(head, columns, {});
      const result = sealResult(head, allocation, canonicalHash({ ...head, events: new EventColumnsJson(columns) }));
      return {
        period,
        asOf,
        snapshot: withEvents(head, columns),
        result,
        handles: new Map([...pseudonyms].map(([username, pseudonym]) => [pseudonym, username])),
        recordedEvents: built.recordedEvents,
        members: built.members.length,
      };
    });
  }

  /**
   * The close of an open period. Statements run in the server while this process computes:
   * storing the snapshot while the engine allocates, storing each part of the published text
   * while the next is written, and posting the money entry while the result is hashed (the lines
   * need the allocation, not the hashes). Everything is in the caller's transaction, so a failure
   * anywhere still leaves nothing behind.
   */
  private async closeOpen(
    manager: EntityManager,
    period: PeriodRow,
    closedAt: Date,
    cutoff: Date,
  ): Promise<PeriodCloseOutcome> {
    const { phases, peakRssMB, lap, total } = phaseTimer();
    const end = cutoff < period.endsAt ? cutoff : period.endsAt;
    // The engine runs the published snapshot (pseudonyms order its ties, ADR 0022), so replaying
    // what anyone can download gives exactly what the ledger posts. The key was drawn when the
    // period opened (ADR 0045: a preview derives the same pseudonyms); older periods draw it now.
    const pseudonymKey = period.pseudonymKey ?? newPseudonymKey();
    const { head, columns, pseudonyms, recordedEvents, members, money, vesting, eventsThrough, storing } =
      await this.buildSnapshot(manager, period, end, pseudonymKey, lap);
    const engine: EnginePhases = {};
    const allocation = this.allocate(head, columns, engine);
    lap('allocateMs');
    await storing;
    lap('storeWaitMs');

    // Built in loops, without an array per member (a million at 10M events: ADR 0074).
    const accounts = new Map<string, string>();
    const active = new Set<string>();
    for (const m of members) {
      const pseudonym = pseudonyms.get(m.id);
      if (pseudonym !== undefined) accounts.set(pseudonym, m.accountId);
      if (vesting.length > 0 && m.status !== 'withdrawn' && m.status !== 'expelled') active.add(m.accountId);
    }
    const lines = closePostings(
      { ...allocation, period: period.id },
      head.money,
      accounts,
      vesting.filter((v) => active.has(v.memberId)),
    );
    lap('postingLinesMs');
    // The published text is canonical JSON (ADR 0071): written once, stored and hashed as it is
    // written, its SHA-256 the result's inputHash (the download hashes to it). Before the money
    // entry, not behind it: on the one connection, its parts waited for the entry's insert (ADR 0075).
    const inputHash = await this.periods.storePublished(manager, period.id, head, columns);
    lap('storePublishedMs');
    const key = closeKey(period.id);
    const postingMoney = settledLater(
      this.ledgerService.post(manager, { key, ledger: 'money', periodId: period.id, lines: lines.money }),
    );
    await whenSent(manager);
    lap('postMoneySendMs');
    const result = sealResult(head, allocation, inputHash);
    for (const [name, ms] of Object.entries(engine) as [string, number][]) phases[`engine.${name}`] = Math.round(ms);
    lap('hashMs');
    // Queued while the server inserts the money entry (its longest work in a close): the result's
    // JSON is written meanwhile (markClosed writes it when called). One transaction, so a failure
    // of any of them still leaves nothing behind.
    const postingUnits = settledLater(
      this.ledgerService.post(manager, { key, ledger: 'units', periodId: period.id, lines: lines.units }),
    );
    const closing = settledLater(
      this.periods.markClosed(manager, period.id, {
        endsAt: end,
        result,
        inputHash: result.inputHash,
        outputHash: result.outputHash,
        eventsThrough,
        paymentsThrough: money.through,
        pseudonymKey,
        closedAt,
      }),
    );
    await postingMoney;
    lap('postMoneyWaitMs');
    await postingUnits;
    lap('postUnitsMs');
    await closing;
    lap('markClosedMs');
    await this.openNext(manager, end, period);
    lap('openNextMs');
    this.logger.log({
      msg: 'period closed',
      periodId: period.id,
      members: members.length,
      events: recordedEvents,
      publishedEvents: columns.count,
      ms: total(),
      ...phases,
      peakRssMB,
    });
    // The events as objects only if a caller reads them (the GraphQL close returns the snapshot).
    return { snapshot: withEvents(head, columns), result, posted: true, phases, peakRssMB };
  }

  /**
   * The published snapshot of `period` ended at `end` under `pseudonymKey`, as a close builds
   * it, with what the postings need. The internal snapshot is never held: its events stream from
   * the database chunk by chunk into its canonical hash and the publisher (ADR 0051). With `lap`
   * (a close), the internal snapshot is stored from when the last event is known (`storing`): the
   * document without its events, which stay where they were recorded (ADR 0070); without (a
   * preview), nothing is written.
   */
  private async buildSnapshot(
    manager: EntityManager,
    period: PeriodRow,
    end: Date,
    pseudonymKey: string,
    lap: ((name: string) => void) | null,
  ): Promise<BuiltSnapshot> {
    const timing = lap ?? (() => undefined);
    await this.periods.tuneForClose(manager);
    const previous = period.seq > 1 ? await this.periods.findBySeq(manager, period.seq - 1) : null;
    timing('prepareMs');
    const members = await this.snapshots.snapshotMembers(manager);
    timing('membersMs');
    const money = await this.snapshots.snapshotMoney(manager, previous?.paymentsThrough ?? 0);
    const vested =
      period.seq > period.vestingPeriods
        ? await this.periods.findBySeq(manager, period.seq - period.vestingPeriods)
        : null;
    const vesting = vested ? await this.ledger.unitsIssuedBy(manager, closeKey(vested.id)) : [];
    const opening = previous?.result
      ? {
          reserve: previous.result.reserve.closing,
          commons: previous.result.commons.closing,
          lossCarryforward: previous.result.lossCarryforward.closing,
        }
      : { reserve: 0, commons: 0, lossCarryforward: 0 };
    const head: Omit<PeriodSnapshot, 'events'> = {
      format: SNAPSHOT_FORMAT,
      period: { id: period.id, start: period.startsAt.toISOString(), end: end.toISOString() },
      parameters: period.parameters,
      opening,
      money: { revenue: money.revenue, costs: money.costs },
      // The ids come from JSON.parse (snapshotMembers), as a replay would read them: it interns
      // short strings, so the engine's member-id lookups for a million events compare interned
      // strings (several times faster than with the driver's strings).
      members: members.map(({ id, joinedAt, status, vestedUnits }) => ({ id, joinedAt, status, vestedUnits })),
    };
    timing('moneyAndVestingMs');
    const afterSeq = previous?.eventsThrough ?? 0;
    const ahead = await this.snapshots.eventsAhead(manager, afterSeq);
    const publisher = new SnapshotPublisher(head, pseudonymKey, ahead.reversed, ahead.count);
    const internalHash = new CanonicalArrayHash(head, 'events');
    const chunks = new RecordedChunks(internalHash, publisher);
    timing('reversalsMs');
    const {
      count: recordedEvents,
      through: eventsThrough,
      after: storing,
    } = await this.snapshots.snapshotEvents(
      manager,
      afterSeq,
      () => (lap ? this.periods.storeSnapshot(manager, period.id, head, afterSeq) : Promise.resolve()),
      (text, count) => chunks.add(text, count),
    );
    timing('eventsMs');
    const { head: published, columns, pseudonyms } = publisher.finishColumns(internalHash.digest());
    timing('publishMs');
    return { head: published, columns, pseudonyms, recordedEvents, members, money, vesting, eventsThrough, storing };
  }

  private allocate(head: PublishedHead, columns: EventColumns, phases: EnginePhases): Allocation {
    try {
      return allocateColumns(head, columns, phases);
    } catch (error) {
      if (!(error instanceof InvalidSnapshotError)) throw error;
      this.logger.error({ msg: 'the engine refused a snapshot built here', periodId: head.period.id, err: error });
      throw new CoopServiceException(CoopServiceErrorCode.InvalidSnapshot, error.message, {
        problems: error.problems,
      });
    }
  }

  /**
   * Opens the period after `previous` with the parameters adopted so far frozen on it. The first
   * period (this month) opens with the bylaws' parameters whatever was adopted before it opened:
   * an adoption applies from the period after the one it was decided in, and the first period is
   * the one every adoption before it was decided in (it may open only at the first close).
   */
  private async openNext(manager: EntityManager, start: Date, previous: PeriodRow | null): Promise<void> {
    if (!previous && (await this.periods.findOpen(manager))) return;
    const startsAt = previous ? start : monthStart(start);
    const id = periodId(startsAt, await this.periods.countWithBase(manager, periodId(startsAt, 0)));
    const { parameters, vestingPeriods } = previous
      ? await this.adopted.current(manager)
      : { parameters: DEFAULT_PARAMETERS, vestingPeriods: DEFAULT_VESTING_PERIODS };
    await this.periods.insertOpen(manager, {
      id,
      seq: (await this.periods.lastSeq(manager)) + 1,
      startsAt,
      endsAt: nextMonthStart(startsAt),
      parameters,
      vestingPeriods,
      pseudonymKey: newPseudonymKey(),
    });
  }
}

interface BuiltSnapshot {
  /** The published snapshot but its events, which are `columns` (ADR 0073). */
  head: PublishedHead;
  columns: EventColumns;
  /** Usernames → pseudonyms of the members the snapshot lists. */
  pseudonyms: ReadonlyMap<string, string>;
  /** Events recorded in the period (internal: reversals and reversed ones included). */
  recordedEvents: number;
  members: MemberRow[];
  money: { revenue: number; costs: number; through: number };
  vesting: Awaited<ReturnType<LedgerRepository['unitsIssuedBy']>>;
  eventsThrough: number;
  storing: Promise<unknown>;
}

/** A close's `asOf` must be a recent preview's: not in the future, not stale, after the start. */
function checkAsOf(asOf: Date, period: PeriodRow, now: Date): void {
  const time = asOf.getTime();
  if (!Number.isFinite(time) || time > now.getTime() || now.getTime() - time > PREVIEW_VALID_MS) {
    throw new CoopServiceException(
      CoopServiceErrorCode.StalePreview,
      'The preview is more than an hour old (or not a time): preview the close again',
      { field: 'asOf' },
    );
  }
  if (time <= period.startsAt.getTime()) {
    throw new CoopServiceException(CoopServiceErrorCode.StalePreview, `The preview is from before ${period.id} began`, {
      field: 'asOf',
    });
  }
}
