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
