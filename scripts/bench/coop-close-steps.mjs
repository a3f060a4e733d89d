// The period close's JavaScript steps without the database (ADR 0065), CPU ms each: the events
// arrive as coop-close-db.mjs seeds them (the same mix, each chunk one JSON text), are read as
// columns, hashed as the internal snapshot (their text as it came, ADR 0071 and 0074) and published
// (RecordedChunks, SnapshotPublisher; parsed and checked before ADR 0074), then the engine, and the stored text (canonicalParts, hashed here instead
// of sent: its SHA-256 is the inputHash, ADR 0071) and the result's seal. Deterministic
// data and key: the hashes it prints are the same for any change that keeps the close's output.
// `node scripts/bench/coop-close-steps.mjs [members] [events] [root]` (default 100000 1000000, this
// checkout's dist/; another root's dist/ compares a build side by side). Prints one JSON object.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { root as here } from './common.mjs';

const [members = 100_000, events = 1_000_000] = process.argv.slice(2, 4).map(Number);
const root = process.argv[4] ?? here;
const require = createRequire(import.meta.url);
const lib = (path) => require(join(root, 'dist/libs/coop/src', path));
const { CanonicalArrayHash, canonicalParts: partsBefore } = lib('engine/canonical-json.js');
// canonical-parts.js since ADR 0073; a root from before has canonicalParts (strings) in canonical-json.js.
const { canonicalPartBuffers } = existsSync(join(root, 'dist/libs/coop/src/engine/canonical-parts.js'))
  ? lib('engine/canonical-parts.js')
  : { canonicalPartBuffers: undefined };
const { allocateColumns, allocateSnapshot, sealResult } = lib('engine/close-period.js');
const { SnapshotPublisher } = lib('transparency/published-snapshot.js');
// Since ADR 0074 the close reads each chunk's text as columns (RecordedChunks); a root from before parses it.
const { RecordedChunks } = existsSync(join(root, 'dist/libs/coop/src/transparency/recorded-chunks.js'))
  ? lib('transparency/recorded-chunks.js')
  : { RecordedChunks: undefined };
const { DEFAULT_PARAMETERS } = lib('bylaws.js');

const CHUNK = 125_000; // as close-snapshot.reader.ts
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** The events as the seed writes them (see coop-close-db.mjs), in chunks of JSON text. */
function eventChunks() {
  const names = Array.from({ length: members }, (_, i) => `m${String(i).padStart(7, '0')}`);
  const chunks = [];
  const reversed = new Set();
  let texts = [];
  for (let g = 0; g < events; g++) {
    const kind = g % 20;
    const member = names[(g * 7919) % members];
    const actor = names[Number((BigInt(g) * 104729n + 1n) % BigInt(members))];
    let text;
    if (kind === 19) {
      text = `{"id":"ev-${g}","reverses":"ev-${g - 19}","type":"REVERSAL"}`;
      reversed.add(`ev-${g - 19}`);
    } else if (kind >= 8 && kind < 16) {
      const who = g % 100 === 9 ? 'instance:remote.example' : actor;
      text = `{"actor":"${who}","id":"ev-${g}","member":"${member}","object":"post-${g % 50000}","type":"ENGAGED"}`;
    } else if (kind === 18) {
      text = `{"amount":${100 + (g % 5000)},"id":"ev-${g}","member":"${member}","type":"SPENT"}`;
    } else {
      const type = kind < 8 ? 'PUBLISHED' : 'CURATED';
      text = `{"id":"ev-${g}","member":"${member}","object":"post-${g % 50000}","type":"${type}"}`;
    }
    texts.push(text);
    if (texts.length === CHUNK) {
      chunks.push({ text: texts.join(','), count: texts.length });
      texts = [];
    }
  }
  if (texts.length > 0) chunks.push({ text: texts.join(','), count: texts.length });
  const memberRows = names.map((id) => ({
    id,
    joinedAt: '2026-10-01T00:00:00.000Z',
    status: 'active',
    vestedUnits: 0,
  }));
  return { chunks, reversed, memberRows: JSON.parse(JSON.stringify(memberRows)) };
}

const loadAtStart = loadavg().map((n) => Math.round(n * 100) / 100);
const { chunks, reversed, memberRows } = eventChunks();
const head = {
  format: 'guildhall.period-snapshot/1',
  period: { id: '2026-12', start: '2026-12-01T00:00:00.000Z', end: '2026-12-06T00:00:00.000Z' },
  parameters: DEFAULT_PARAMETERS,
  opening: { reserve: 0, commons: 0, lossCarryforward: 0 },
  money: { revenue: 250_000_000, costs: 90_000_000 },
  members: memberRows,
};
// The close tells the publisher how many events were recorded (ADR 0074; a root from before ignores it).
const publisher = new SnapshotPublisher(head, 'k'.repeat(64), reversed, events);
const internal = new CanonicalArrayHash(head, 'events');
const cpu = RecordedChunks ? { readHashAndPublish: 0 } : { parse: 0, internalHash: 0, publishAdd: 0 };
const recorded = RecordedChunks ? new RecordedChunks(internal, publisher) : null;
for (const { text, count } of chunks) {
  let mark = cpuMs();
  if (recorded) {
    recorded.add(text, count);
    cpu.readHashAndPublish += cpuMs() - mark;
    continue;
  }
  const parsed = JSON.parse(`[${text}]`);
  cpu.parse += cpuMs() - mark;
  mark = cpuMs();
  internal.addParsed(parsed, text);
  cpu.internalHash += cpuMs() - mark;
  mark = cpuMs();
  publisher.add(parsed);
  cpu.publishAdd += cpuMs() - mark;
}
let mark = cpuMs();
const lap = (name) => {
  const now = cpuMs();
  cpu[name] = now - mark;
  mark = now;
};
// Since ADR 0073 the close's published events are columns (finishColumns); a root from before
// runs the objects' way (finish) for a side-by-side comparison.
const columnar = typeof publisher.finishColumns === 'function';
let snapshot;
let allocation;
if (columnar) {
  const { EventColumnsJson } = lib('engine/event-columns.js');
  const { head: published, columns } = publisher.finishColumns(internal.digest());
  lap('publishFinish');
  allocation = allocateColumns(published, columns);
  lap('engine');
  snapshot = { ...published, events: new EventColumnsJson(columns) };
} else {
  snapshot = publisher.finish(internal.digest()).snapshot;
  lap('publishFinish');
  allocation = allocateSnapshot(snapshot);
  lap('engine');
}
const stored = createHash('sha256');
// As the close stores it: UTF-8 parts since ADR 0073, strings before.
for (const part of (canonicalPartBuffers ?? partsBefore)(snapshot, 8 << 20)) stored.update(part);
const storedTextHash = stored.digest('hex');
lap('storedText');
const result = sealResult(snapshot, allocation, storedTextHash);
lap('seal');
const rounded = Object.fromEntries(Object.entries(cpu).map(([name, ms]) => [name, Math.round(ms)]));
process.stdout.write(
  `${JSON.stringify({
    members,
    events,
    publishedEvents: snapshot.events.length,
    columnar,
    cpuMs: rounded,
    totalCpuMs: Object.values(rounded).reduce((sum, ms) => sum + ms, 0),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    loadAverage: { start: loadAtStart, end: loadavg().map((n) => Math.round(n * 100) / 100) },
    internalInputHash: snapshot.internalInputHash,
    inputHash: result.inputHash,
    outputHash: result.outputHash,
    storedTextHash,
  })}\n`,
);
