// Period close (libs/coop, SPEC §2–§6) at scale. Section `engine`: the pure engine from the built
// dist/ on a synthetic snapshot (scripts/bench/coop-snapshot.mjs) of 100,000 members and
// 1,000,000 events, and on one a tenth of that size; each size runs in a fresh child process (so
// its peak memory is its own), RUNS times, reporting the median ms of each phase (validate,
// score, allocate, hash = input + output hash), the JSON parse a replay also pays, the peak RSS
// and heap, and the growth ratio full/tenth (≈10 is linear). Prints one JSON object on stdout;
// progress on stderr. Section `database`: the close end to end through the database (see
// databaseSection), with the peak RSS at the end of each of its phases. Sections are independent;
// `--only <section>` runs one. Section `steps`: the close's JavaScript steps alone (see
// stepsSection). `--huge` adds 1,000,000 members / 10,000,000 events to both (a
// child that fails there is reported as such, not fatal).
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { buildIfNeeded, createLog, root, round, runBenchmark } from './bench/common.mjs';
import { generateSnapshot } from './bench/coop-snapshot.mjs';

const FULL = { members: 100_000, events: 1_000_000 };
/** `--huge`: also 1M members / 10M events (issue 13: a close < 60 s with peak RSS < 2 GB). */
const HUGE = { members: 1_000_000, events: 10_000_000 };
const huge = process.argv.includes('--huge');
const SIZES = [{ members: FULL.members / 10, events: FULL.events / 10 }, FULL, ...(huge ? [HUGE] : [])];
const RUNS = 3;
/**
 * Issue 13: the whole close (engine + database) < 5 s at FULL, the engine a small part of it; at
 * HUGE < 60 s with peak RSS < 2 GB.
 */
const TARGETS = { fullCloseMs: 5_000, maxEngineMsAtFull: 2_500, hugeCloseMs: 60_000, hugePeakRssMB: 2_048 };
const CHILD_TIMEOUT_MS = 5 * 60_000;
const HUGE_CHILD_TIMEOUT_MS = 30 * 60_000;
const OVERALL_TIMEOUT_MS = (huge ? 75 : 15) * 60_000;
const childTimeout = ({ events }) => (events > FULL.events ? HUGE_CHILD_TIMEOUT_MS : CHILD_TIMEOUT_MS);
const PHASES = ['validate', 'score', 'allocate', 'hash'];

const log = createLog('bench:close');
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mbOf = (bytes) => round(bytes / 1024 / 1024);

/** In a child process: generate, serialise and parse one size, then time the engine's phases. */
function engineChild({ members, events }) {
  const coop = createRequire(import.meta.url)(join(root, 'dist/libs/coop/src/index.js'));
  let peakHeap = 0;
  const sample = () => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed));
  const cpuMs = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  let lastCpu = 0;
  const time = (fn) => {
    const started = performance.now();
    const cpuStarted = cpuMs();
    const value = fn();
    sample();
    lastCpu = cpuMs() - cpuStarted;
    return [value, performance.now() - started];
  };
  // Past FULL the snapshot's JSON text would pass V8's longest string: no text round trip there.
  const viaText = events <= FULL.events;
  const [text, generateMs] = time(() => {
    const generated = generateSnapshot({ members, events });
    return viaText ? JSON.stringify(generated) : generated;
  });
  const [snapshot, parseMs] = time(() => (viaText ? JSON.parse(text) : text));
  const jsonMB = viaText ? mbOf(Buffer.byteLength(text)) : null;
  const inputRssMB = mbOf(process.memoryUsage().rss);
  const runs = [];
  const cpuRuns = [];
  let result;
  for (let run = 0; run < RUNS; run++) {
    const cpu = {};
    // closePeriod's phases, timed one by one: validation's index feeds scoring.
    const [{ problems, index }, validate] = time(() => coop.inspectSnapshot(snapshot));
    cpu.validate = lastCpu;
    if (problems.length > 0) throw new Error(`generated snapshot invalid: ${JSON.stringify(problems.slice(0, 5))}`);
    const [points, score] = time(() => coop.scoreSnapshot(snapshot, index));
    cpu.score = lastCpu;
    const [allocation, allocate] = time(() => coop.allocate(snapshot, points));
    cpu.allocate = lastCpu;
    const [sealed, hash] = time(() => coop.sealResult(snapshot, allocation, coop.canonicalHash(snapshot)));
    cpu.hash = lastCpu;
    result = sealed;
    runs.push({ validate, score, allocate, hash });
    cpuRuns.push(cpu);
  }
  const [whole, closePeriodMs] = time(() => coop.closePeriod(snapshot));
  if (whole.outputHash !== result.outputHash) throw new Error('closePeriod and the phases disagree');
  const phases = Object.fromEntries(PHASES.map((phase) => [`${phase}Ms`, round(median(runs.map((r) => r[phase])))]));
  return {
    members,
    events,
    generateMs: round(generateMs),
    jsonMB,
    parseMs: round(parseMs),
    ...phases,
    engineMs: round(median(runs.map((r) => PHASES.reduce((sum, phase) => sum + r[phase], 0)))),
    // CPU time (this process, GC threads included): steadier than wall time on a shared machine
    cpuMs: Object.fromEntries(PHASES.map((phase) => [phase, round(median(cpuRuns.map((r) => r[phase])))])),
    engineCpuMs: round(median(cpuRuns.map((r) => PHASES.reduce((sum, phase) => sum + r[phase], 0)))),
    closePeriodMs: round(closePeriodMs),
    inputRssMB,
    peakRssMB: round(process.resourceUsage().maxRSS / 1024),
    peakHeapUsedMB: mbOf(peakHeap),
    resultMembers: result.members.length,
    unitsIssued: result.unitsIssued,
    outputHash: result.outputHash,
  };
}

/** Section `engine`: both sizes, each in its own process, and how the figures grow. */
async function engineSection() {
  const sizes = [];
  for (const size of SIZES) {
    log(`engine: ${size.members} members, ${size.events} events (${RUNS} runs)`);
    const figures = runChild(size, [fileURLToPath(import.meta.url), '--engine-child']);
    sizes.push(figures);
    log(
      figures.error
        ? `engine: failed: ${figures.error}`
        : `engine: ${figures.engineMs} ms, peak RSS ${figures.peakRssMB} MB`,
    );
  }
  const [tenth, full] = sizes;
  const ratio = (key) => round(full[key] / tenth[key], 2);
  const keys = [
    ...PHASES.map((phase) => `${phase}Ms`),
    'engineMs',
    'engineCpuMs',
    'parseMs',
    'peakRssMB',
    'peakHeapUsedMB',
  ];
  return {
    runs: RUNS,
    sizes,
    growth: Object.fromEntries(keys.map((key) => [key, ratio(key)])),
    targets: TARGETS,
    withinTargets: full.engineMs <= TARGETS.maxEngineMsAtFull,
  };
}

/**
 * Section `database`: the whole close through PeriodService (snapshot from the database, engine,
 * both ledger entries, the stored snapshot and result) on a scratch database seeded by
 * scripts/bench/coop-close-db.mjs, at both sizes, each in its own process.
 */
async function databaseSection() {
  const sizes = [];
  for (const size of SIZES) {
    log(`database: seeding ${size.members} members, ${size.events} events, then closing`);
    sizes.push(runChild(size, [join(root, 'scripts/bench/coop-close-db.mjs'), '--child']));
    if (sizes.at(-1).error) {
      log(`database: failed: ${sizes.at(-1).error}`);
      continue;
    }
    log(`database: peak RSS (MB) at the end of each phase ${JSON.stringify(sizes.at(-1).peakRssMBByPhase)}`);
    log(
      `database: close ${sizes.at(-1).closeMs} ms (CPU here ${sizes.at(-1).closeCpuMs} ms), ` +
        `peak RSS ${sizes.at(-1).peakRssMB} MB, load average ${loadavg()
          .map((n) => n.toFixed(2))
          .join(' ')}`,
    );
    log(`database: phases ${JSON.stringify(sizes.at(-1).phases)}`);
    log(
      `database: I/O floor ${JSON.stringify(sizes.at(-1).ioFloor)} (events read, published text written ` +
        `by the server alone), close ÷ floor ${sizes.at(-1).closeOverIoFloor}`,
    );
  }
  const [tenth, full] = sizes;
  const ratio = (key) => round(full[key] / tenth[key], 2);
  return {
    sizes,
    growth: Object.fromEntries(['closeMs', 'closeCpuMs', 'secondCloseMs', 'peakRssMB'].map((key) => [key, ratio(key)])),
    // each size's close over its I/O floor measured in the same process (ADR 0074)
    closeOverIoFloor: sizes.map((size) => size.closeOverIoFloor ?? null),
    // other work on the machine slows every figure here: the 1-, 5- and 15-minute load averages
    loadAverage: loadavg().map((n) => round(n, 2)),
    targets: {
      fullCloseMs: TARGETS.fullCloseMs,
      ...(huge ? { hugeCloseMs: TARGETS.hugeCloseMs, hugePeakRssMB: TARGETS.hugePeakRssMB } : {}),
    },
    withinTargets: full.closeMs <= TARGETS.fullCloseMs,
    ...(huge ? { hugeWithinTargets: hugeWithin(sizes.at(-1)) } : {}),
  };
}

/**
 * One size in a child process (its peak memory is its own): its figures, or past FULL, where a
 * failure is a finding (out of memory, a value past PostgreSQL's 1 GB), `{ members, events, error }`.
 */
function runChild(size, args) {
  try {
    const output = execFileSync(process.execPath, [...args, String(size.members), String(size.events)], {
      cwd: root,
      timeout: childTimeout(size),
      stdio: ['ignore', 'pipe', 2],
      maxBuffer: 1 << 20,
    });
    return JSON.parse(output.toString());
  } catch (error) {
    if (size.events <= FULL.events) throw error;
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { ...size, error: reason };
  }
}

const hugeWithin = (figures) =>
  !figures.error && figures.closeMs <= TARGETS.hugeCloseMs && figures.peakRssMB <= TARGETS.hugePeakRssMB;

/**
 * Section `steps`: the close's JavaScript steps without the database (scripts/bench/
 * coop-close-steps.mjs, ADR 0065), CPU ms each, at both sizes, each in its own process, with the
 * hashes a change that keeps the close's output must leave as they are.
 */
async function stepsSection() {
  const sizes = [];
  for (const size of SIZES) {
    log(`steps: ${size.members} members, ${size.events} events`);
    sizes.push(runChild(size, [join(root, 'scripts/bench/coop-close-steps.mjs')]));
    log(`steps: ${JSON.stringify(sizes.at(-1).cpuMs ?? sizes.at(-1).error)}`);
  }
  return { sizes, loadAverage: loadavg().map((n) => round(n, 2)) };
}

/** Each section returns its figures. */
const SECTIONS = { engine: engineSection, steps: stepsSection, database: databaseSection };

if (process.argv[2] === '--engine-child') {
  const [members, events] = process.argv.slice(3).map(Number);
  process.stdout.write(`${JSON.stringify(engineChild({ members, events }))}\n`);
} else {
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  await runBenchmark({
    log,
    timeoutMs: OVERALL_TIMEOUT_MS,
    cleanup: async () => {},
    main: async () => {
      buildIfNeeded(log);
      const result = {};
      for (const [name, section] of Object.entries(SECTIONS)) {
        if (only === undefined || only === name) result[name] = await section();
      }
      return result;
    },
  });
}
