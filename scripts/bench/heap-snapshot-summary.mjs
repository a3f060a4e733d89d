// Summaries of V8 heap snapshots (.heapsnapshot, as `node --heapsnapshot-signal` writes them) for
// `npm run bench:soak`: self size and count by constructor (strings, arrays, code, closures and
// V8 internals grouped by kind), and, for two snapshots, what grew between them; plus the largest
// single objects with a chain of their retainers (`holder.property ← …`), which is usually enough
// to name the cache or the buffer that holds memory. Retained sizes (dominators) are not computed.
//
//   node --max-old-space-size=4096 scripts/bench/heap-snapshot-summary.mjs <before> [<after>]
//
// prints one JSON object; as a module, `summariseSnapshot(path)` and `compareSummaries(a, b)`.
import { readFileSync } from 'node:fs';
import { round } from './common.mjs';

const MB = 1048576;
const mb = (bytes) => round(bytes / MB, 2);

/** Parses a snapshot into typed arrays and the field offsets. */
function load(path) {
  const json = JSON.parse(readFileSync(path, 'utf8'));
  const meta = json.snapshot.meta;
  const nodeFields = meta.node_fields;
  const edgeFields = meta.edge_fields;
  return {
    nodes: Float64Array.from(json.nodes),
    edges: Uint32Array.from(json.edges),
    strings: json.strings,
    nodeTypes: meta.node_types[0],
    edgeTypes: meta.edge_types[0],
    nodeWidth: nodeFields.length,
    edgeWidth: edgeFields.length,
    at: Object.fromEntries(nodeFields.map((name, i) => [name, i])),
    edgeAt: Object.fromEntries(edgeFields.map((name, i) => [name, i])),
  };
}

/** The group a node counts under: its constructor for objects, its kind for the rest. */
function groupOf(snapshot, node) {
  const { nodes, strings, nodeTypes, at } = snapshot;
  const type = nodeTypes[nodes[node + at.type]];
  const name = strings[nodes[node + at.name]];
  switch (type) {
    case 'object':
    case 'native':
      return name || `(${type})`;
    case 'hidden':
    case 'synthetic':
    case 'object shape':
      return `(${type}) ${name.replace(/\d+/g, '#').slice(0, 60)}`;
    case 'string':
    case 'concatenated string':
    case 'sliced string':
      return '(string)';
    case 'array':
      return `(array) ${name.replace(/\d+/g, '#').slice(0, 60)}`;
    default:
      return `(${type})`;
  }
}

/** For every node, its first retainer that is not a weak edge: [holder node, edge name]. */
function firstRetainers(snapshot) {
  const { nodes, edges, strings, edgeTypes, nodeWidth, edgeWidth, at, edgeAt } = snapshot;
  const count = nodes.length / nodeWidth;
  const holder = new Int32Array(count).fill(-1);
  const via = new Array(count);
  let edge = 0;
  for (let node = 0; node < nodes.length; node += nodeWidth) {
    const edgeCount = nodes[node + at.edge_count];
    for (let i = 0; i < edgeCount; i++, edge += edgeWidth) {
      const type = edgeTypes[edges[edge + edgeAt.type]];
      if (type === 'weak' || type === 'shortcut') continue;
      const target = edges[edge + edgeAt.to_node] / nodeWidth;
      if (holder[target] !== -1) continue;
      holder[target] = node / nodeWidth;
      const nameOrIndex = edges[edge + edgeAt.name_or_index];
      via[target] = type === 'element' || type === 'hidden' ? `[${nameOrIndex}]` : strings[nameOrIndex];
    }
  }
  return { holder, via };
}

function retainerChain(snapshot, retainers, index, depth = 6) {
  const parts = [];
  let cursor = index;
  for (let i = 0; i < depth; i++) {
    const holder = retainers.holder[cursor];
    if (holder < 0) break;
    parts.push(`${groupOf(snapshot, holder * snapshot.nodeWidth)}.${retainers.via[cursor]}`);
    cursor = holder;
  }
  return parts.join(' ← ');
}

/** { totalMb, nodes, byGroup: { name: { mb, count } }, largest: [{ group, mb, retainers }] }. */
export function summariseSnapshot(path, { largest = 15 } = {}) {
  const snapshot = load(path);
  const { nodes, nodeWidth, at } = snapshot;
  const groups = new Map();
  let total = 0;
  const big = [];
  for (let node = 0; node < nodes.length; node += nodeWidth) {
    const size = nodes[node + at.self_size];
    total += size;
    const group = groupOf(snapshot, node);
    const entry = groups.get(group) ?? { bytes: 0, count: 0 };
    entry.bytes += size;
    entry.count++;
    groups.set(group, entry);
    if (size >= 256 * 1024) big.push(node);
  }
  big.sort((a, b) => nodes[b + at.self_size] - nodes[a + at.self_size]);
  const retainers = firstRetainers(snapshot);
  const byGroup = Object.fromEntries(
    [...groups.entries()]
      .sort((a, b) => b[1].bytes - a[1].bytes)
      .map(([name, { bytes, count }]) => [name, { mb: mb(bytes), count }]),
  );
  return {
    totalMb: mb(total),
    nodes: nodes.length / nodeWidth,
    byGroup,
    largest: big.slice(0, largest).map((node) => ({
      group: groupOf(snapshot, node),
      mb: mb(nodes[node + at.self_size]),
      retainers: retainerChain(snapshot, retainers, node / nodeWidth),
    })),
  };
}

/** The groups that grew most from `before` to `after` (MB and count), and the top of `after`. */
export function compareSummaries(before, after, top = 25) {
  const names = new Set([...Object.keys(before.byGroup), ...Object.keys(after.byGroup)]);
  const grew = [...names]
    .map((name) => {
      const a = before.byGroup[name] ?? { mb: 0, count: 0 };
      const b = after.byGroup[name] ?? { mb: 0, count: 0 };
      return { name, mb: round(b.mb - a.mb, 2), count: b.count - a.count, afterMb: b.mb, afterCount: b.count };
    })
    .sort((x, y) => y.mb - x.mb);
  return {
    totalMb: { before: before.totalMb, after: after.totalMb, grew: round(after.totalMb - before.totalMb, 2) },
    grewMost: grew.slice(0, top),
    topAfter: Object.entries(after.byGroup)
      .slice(0, top)
      .map(([name, value]) => ({ name, ...value })),
    largestAfter: after.largest,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [first, second] = process.argv.slice(2);
  if (!first) {
    process.stderr.write('usage: heap-snapshot-summary.mjs <before.heapsnapshot> [<after.heapsnapshot>]\n');
    process.exit(2);
  }
  const a = summariseSnapshot(first);
  const result = second
    ? compareSummaries(a, summariseSnapshot(second))
    : { ...a, byGroup: Object.fromEntries(Object.entries(a.byGroup).slice(0, 40)) };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
