import { performance } from 'node:perf_hooks';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Metrics } from '@guildhall/core';
import { InvalidSnapshotError } from '../coop.exception';
import { CoopServiceErrorCode, CoopServiceException } from '../coop-service.exception';
import { allocateSnapshot, sealSnapshot, type EnginePhases } from '../engine/close-period';
import { SNAPSHOT_FORMAT, type Allocation, type PeriodResult, type PeriodSnapshot } from '../engine/snapshot';
import { DEFAULT_PARAMETERS, DEFAULT_VESTING_PERIODS } from '../bylaws';
import { AdoptedParameters } from '../governance/adopted-parameters';
import { closePostings } from '../ledger/close-postings';
import { LedgerRepository } from '../ledger/ledger.repository';
import { LedgerService } from '../ledger/ledger.service';
import { newPseudonymKey, publish } from '../transparency/published-snapshot';
import type { CoopPeriodEntity } from './coop-period.entity';
import { CoopPeriodRepository } from './coop-period.repository';
import { settledLater, whenSent } from './in-flight';
import { monthStart, nextMonthStart, periodId } from './period-calendar';

export interface PeriodCloseOutcome {
  snapshot: PeriodSnapshot;
  result: PeriodResult;
  /** False when the period was closed already: nothing was posted this time. */
  posted: boolean;
  /** When posted: milliseconds per phase of the close (the commit is not among them). */
  phases?: ClosePhases;
}

export type ClosePhases = Record<string, number>;

/** Times consecutive phases: `lap(name)` records the milliseconds since the previous lap. */
function phaseTimer(): { phases: ClosePhases; lap: (name: string) => void; total: () => number } {
  const started = performance.now();
  let mark = started;
  const phases: ClosePhases = {};
  return {
    phases,
    lap: (name) => {
      const now = performance.now();
      phases[name] = Math.round(now - mark);
      mark = now;
    },
    total: () => Math.round(performance.now() - started),
  };
}

/** A close's phases as `guildhall_period_close_phase_seconds` reports them (the log keeps every lap). */
export type ClosePhase = 'snapshot' | 'publish' | 'engine' | 'postings' | 'finish';

/** Each lap of closeOpen and the phase it belongs to (`engine.*` details are inside allocate and hash). */
const PHASE_OF_LAP: Readonly<Record<string, ClosePhase>> = {
  prepareMs: 'snapshot',
  membersMs: 'snapshot',
  moneyAndVestingMs: 'snapshot',
  eventsMs: 'snapshot',
  storeWaitMs: 'snapshot',
  publishMs: 'publish',
  allocateMs: 'engine',
  hashMs: 'engine',
  postingLinesMs: 'postings',
  postMoneySendMs: 'postings',
  postMoneyWaitMs: 'postings',
  postUnitsMs: 'postings',
  markClosedMs: 'finish',
  openNextMs: 'finish',
};

/** Seconds per phase of a close from its laps (milliseconds). */
export function closePhaseSeconds(laps: ClosePhases): Map<ClosePhase, number> {
  const seconds = new Map<ClosePhase, number>();
  for (const [lap, ms] of Object.entries(laps)) {
    const phase = PHASE_OF_LAP[lap];
    if (phase) seconds.set(phase, (seconds.get(phase) ?? 0) + ms / 1000);
  }
  return seconds;
}

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
    private readonly ledgerService: LedgerService,
    private readonly ledger: LedgerRepository,
    private readonly adopted: AdoptedParameters,
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

  find(id: string): Promise<CoopPeriodEntity | null> {
    return this.periods.findById(id);
  }

  /** Closes `id` (default: the open period) and opens the next one. */
  async close(id?: string): Promise<PeriodCloseOutcome> {
    const target = id ?? (await this.current()).id;
    const outcome = await this.periods.withCloseLock(async (manager) => {
      const period = await this.periods.findById(target, manager);
      if (!period) throw new CoopServiceException(CoopServiceErrorCode.PeriodNotFound, `No period ${target}`);
      if (period.status === 'closed') {
        const snapshot = (period.publishedSnapshot ?? period.snapshot) as PeriodSnapshot;
        return { snapshot, result: period.result as PeriodResult, posted: false };
      }
      return this.closeOpen(manager, period);
    });
    // Recorded once committed: a close rolled back (or tried again) is not a close.
    if (outcome.phases) {
      for (const [phase, seconds] of closePhaseSeconds(outcome.phases))
        this.metrics.observePeriodClosePhase(phase, seconds);
    }
    return outcome;
  }

  /**
   * The close of an open period. Two statements run in the server while this process computes:
   * storing the snapshot while the engine allocates, and posting the money entry while it
   * hashes (the lines need the allocation, not the hashes). Everything is in the caller's
   * transaction, so a failure anywhere still leaves nothing behind.
   */
  private async closeOpen(manager: EntityManager, period: CoopPeriodEntity): Promise<PeriodCloseOutcome> {
    const { phases, lap, total } = phaseTimer();
    const closedAt = new Date();
    const end = closedAt < period.endsAt ? closedAt : period.endsAt;
    await this.periods.tuneForClose(manager);
    const previous = period.seq > 1 ? await this.periods.findBySeq(manager, period.seq - 1) : null;
    lap('prepareMs');
    const members = await this.periods.snapshotMembers(manager);
    lap('membersMs');
    const money = await this.periods.snapshotMoney(manager, previous?.paymentsThrough ?? 0);
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
    lap('moneyAndVestingMs');
    // The snapshot is stored (in the server) from when the last event is known.
    const afterSeq = previous?.eventsThrough ?? 0;
    const {
      events,
      through: eventsThrough,
      after: storing,
    } = await this.periods.snapshotEvents(manager, afterSeq, (through) =>
      this.periods.storeSnapshot(manager, period.id, head, { afterSeq, through }),
    );
    lap('eventsMs');
    const internal: PeriodSnapshot = { ...head, events };
    // The engine runs the published snapshot (pseudonyms order its ties, ADR 0022), so replaying
    // what anyone can download gives exactly what the ledger posts.
    const pseudonymKey = newPseudonymKey();
    const { snapshot, pseudonyms } = publish(internal, pseudonymKey);
    lap('publishMs');
    const engine: EnginePhases = {};
    const allocation = this.allocate(snapshot, engine);
    lap('allocateMs');
    await storing;
    lap('storeWaitMs');

    const active = new Set(
      members.filter((m) => m.status !== 'withdrawn' && m.status !== 'expelled').map((m) => m.accountId),
    );
    const lines = closePostings(
      { ...allocation, period: period.id },
      snapshot.money,
      new Map(members.flatMap((m) => (pseudonyms.has(m.id) ? [[pseudonyms.get(m.id)!, m.accountId]] : []))),
      vesting.filter((v) => active.has(v.memberId)),
    );
    lap('postingLinesMs');
    const key = closeKey(period.id);
    const postingMoney = settledLater(
      this.ledgerService.post(manager, { key, ledger: 'money', periodId: period.id, lines: lines.money }),
    );
    await whenSent(manager);
    lap('postMoneySendMs');
    const result = sealSnapshot(snapshot, allocation, engine);
    for (const [name, ms] of Object.entries(engine) as [string, number][]) phases[`engine.${name}`] = Math.round(ms);
    lap('hashMs');
    await postingMoney;
    lap('postMoneyWaitMs');
    await this.ledgerService.post(manager, { key, ledger: 'units', periodId: period.id, lines: lines.units });
    lap('postUnitsMs');
    await this.periods.markClosed(manager, period.id, {
      endsAt: end,
      result,
      inputHash: result.inputHash,
      outputHash: result.outputHash,
      eventsThrough,
      paymentsThrough: money.through,
      publishedSnapshot: snapshot,
      pseudonymKey,
      closedAt,
    });
    lap('markClosedMs');
    await this.openNext(manager, end, period);
    lap('openNextMs');
    this.logger.log({
      msg: 'period closed',
      periodId: period.id,
      members: members.length,
      events: internal.events.length,
      publishedEvents: snapshot.events.length,
      ms: total(),
      ...phases,
    });
    return { snapshot, result, posted: true, phases };
  }

  private allocate(snapshot: PeriodSnapshot, phases: EnginePhases): Allocation {
    try {
      return allocateSnapshot(snapshot, phases);
    } catch (error) {
      if (!(error instanceof InvalidSnapshotError)) throw error;
      this.logger.error({ msg: 'the engine refused a snapshot built here', periodId: snapshot.period.id, err: error });
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
  private async openNext(manager: EntityManager, start: Date, previous: CoopPeriodEntity | null): Promise<void> {
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
    });
  }
}
