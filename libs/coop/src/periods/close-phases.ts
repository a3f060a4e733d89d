import { performance } from 'node:perf_hooks';

/** A figure per phase of a close, by phase name. */
export type ClosePhases = Record<string, number>;

/**
 * Times consecutive phases: `lap(name)` records the milliseconds since the previous lap, and
 * the process's peak RSS so far (which phase raised it is where it jumps).
 */
export function phaseTimer(): {
  phases: ClosePhases;
  peakRssMB: ClosePhases;
  lap: (name: string) => void;
  total: () => number;
} {
  const started = performance.now();
  let mark = started;
  const phases: ClosePhases = {};
  const peakRssMB: ClosePhases = {};
  return {
    phases,
    peakRssMB,
    lap: (name) => {
      const now = performance.now();
      phases[name] = Math.round(now - mark);
      peakRssMB[name] = Math.round(process.resourceUsage().maxRSS / 1024);
      mark = now;
    },
    total: () => Math.round(performance.now() - started),
  };
}

/** A close's phases as `guildhall_period_close_phase_seconds` reports them (the log keeps every lap). */
export type ClosePhase = 'snapshot' | 'publish' | 'engine' | 'postings' | 'finish';

/** Each lap of closeOpen and the phase it belongs to (`engine.*` details are inside allocate). */
const PHASE_OF_LAP: Readonly<Record<string, ClosePhase>> = {
  prepareMs: 'snapshot',
  membersMs: 'snapshot',
  moneyAndVestingMs: 'snapshot',
  reversalsMs: 'snapshot',
  eventsMs: 'snapshot',
  storeWaitMs: 'snapshot',
  publishMs: 'publish',
  storePublishedMs: 'publish',
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
