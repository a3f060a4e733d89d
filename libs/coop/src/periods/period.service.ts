import { performance } from 'node:perf_hooks';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { InvalidSnapshotError } from '../coop.exception';
import { CoopServiceErrorCode, CoopServiceException } from '../coop-service.exception';
import { closePeriod, type EnginePhases } from '../engine/close-period';
import { SNAPSHOT_FORMAT, type PeriodResult, type PeriodSnapshot } from '../engine/snapshot';
import { AdoptedParameters } from '../governance/adopted-parameters';
import { closePostings } from '../ledger/close-postings';
import { LedgerRepository } from '../ledger/ledger.repository';
import { LedgerService } from '../ledger/ledger.service';
import type { CoopPeriodEntity } from './coop-period.entity';
import { CoopPeriodRepository } from './coop-period.repository';
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

/** The snapshot as JSON with its events' text spliced in as given (`events` is the last key). */
function snapshotText(snapshot: PeriodSnapshot, eventsText: string): string {
  const { events: _events, ...rest } = snapshot;
  return `${JSON.stringify(rest).slice(0, -1)},"events":${eventsText}}`;
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
    return this.periods.withCloseLock(async (manager) => {
      const period = await this.periods.findById(target, manager);
      if (!period) throw new CoopServiceException(CoopServiceErrorCode.PeriodNotFound, `No period ${target}`);
      if (period.status === 'closed') {
        return { snapshot: period.snapshot as PeriodSnapshot, result: period.result as PeriodResult, posted: false };
      }
      return this.closeOpen(manager, period);
    });
  }

  private async closeOpen(manager: EntityManager, period: CoopPeriodEntity): Promise<PeriodCloseOutcome> {
    const { phases, lap, total } = phaseTimer();
    const closedAt = new Date();
    const end = closedAt < period.endsAt ? closedAt : period.endsAt;
    await this.periods.tuneForClose(manager);
    const previous = period.seq > 1 ? await this.periods.findBySeq(manager, period.seq - 1) : null;
    lap('prepareMs');
    const members = await this.periods.snapshotMembers(manager);
    lap('membersMs');
    const {
      events,
      text: eventsText,
      through: eventsThrough,
    } = await this.periods.snapshotEvents(manager, previous?.eventsThrough ?? 0, phases);
    lap('eventsMs');
    const money = await this.periods.snapshotMoney(manager, previous?.paymentsThrough ?? 0);
    const opening = previous?.result
      ? {
          reserve: previous.result.reserve.closing,
          commons: previous.result.commons.closing,
          lossCarryforward: previous.result.lossCarryforward.closing,
        }
      : { reserve: 0, commons: 0, lossCarryforward: 0 };
    const snapshot: PeriodSnapshot = {
      format: SNAPSHOT_FORMAT,
      period: { id: period.id, start: period.startsAt.toISOString(), end: end.toISOString() },
      parameters: period.parameters,
      opening,
      money: { revenue: money.revenue, costs: money.costs },
      members: members.map(({ id, joinedAt, status, vestedUnits }) => ({ id, joinedAt, status, vestedUnits })),
      events,
    };
    lap('moneyMs');
    const engine: EnginePhases = {};
    const result = this.run(snapshot, engine);
    for (const [name, ms] of Object.entries(engine) as [string, number][]) phases[`engine.${name}`] = Math.round(ms);
    lap('engineMs');

    const vested =
      period.seq > period.vestingPeriods
        ? await this.periods.findBySeq(manager, period.seq - period.vestingPeriods)
        : null;
    const vesting = vested ? await this.ledger.unitsIssuedBy(manager, closeKey(vested.id)) : [];
    const active = new Set(
      members.filter((m) => m.status !== 'withdrawn' && m.status !== 'expelled').map((m) => m.accountId),
    );
    const lines = closePostings(
      result,
      snapshot.money,
      new Map(members.map((m) => [m.id, m.accountId])),
      vesting.filter((v) => active.has(v.memberId)),
    );
    lap('postingLinesMs');
    const key = closeKey(period.id);
    await this.ledgerService.post(manager, { key, ledger: 'money', periodId: period.id, lines: lines.money });
    lap('postMoneyMs');
    await this.ledgerService.post(manager, { key, ledger: 'units', periodId: period.id, lines: lines.units });
    lap('postUnitsMs');
    await this.periods.markClosed(
      manager,
      period.id,
      {
        endsAt: end,
        result,
        inputHash: result.inputHash,
        outputHash: result.outputHash,
        eventsThrough,
        paymentsThrough: money.through,
        closedAt,
      },
      snapshotText(snapshot, eventsText),
    );
    lap('storeMs');
    await this.openNext(manager, end, period);
    lap('openNextMs');
    this.logger.log({
      msg: 'period closed',
      periodId: period.id,
      members: members.length,
      events: events.length,
      ms: total(),
      ...phases,
    });
    return { snapshot, result, posted: true, phases };
  }

  private run(snapshot: PeriodSnapshot, phases: EnginePhases): PeriodResult {
    try {
      return closePeriod(snapshot, phases);
    } catch (error) {
      if (!(error instanceof InvalidSnapshotError)) throw error;
      this.logger.error({ msg: 'the engine refused a snapshot built here', periodId: snapshot.period.id, err: error });
      throw new CoopServiceException(CoopServiceErrorCode.InvalidSnapshot, error.message, {
        problems: error.problems,
      });
    }
  }

  /**
   * Opens the period after `previous` (or the first, this month) with the parameters adopted so
   * far (the bylaws' defaults until governance adopts others) frozen on it.
   */
  private async openNext(manager: EntityManager, start: Date, previous: CoopPeriodEntity | null): Promise<void> {
    if (!previous && (await this.periods.findOpen(manager))) return;
    const startsAt = previous ? start : monthStart(start);
    const id = periodId(startsAt, await this.periods.countWithBase(manager, periodId(startsAt, 0)));
    const { parameters, vestingPeriods } = await this.adopted.current(manager);
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
