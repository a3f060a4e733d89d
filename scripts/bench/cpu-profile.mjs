// Summarises a V8 CPU profile (Profiler.stop's `profile`) for `npm run bench:timeline`: where the
// server's time goes by package (self time: the frame on top of the stack; inclusive: the package
// anywhere on the stack), by named parts of a request (inclusive), and the hottest functions by
// self time.

/** "typeorm", "@nestjs/core", "app:libs/content", "node:internal", "(garbage collector)", … */
function packageOf(callFrame, root) {
  const { url, functionName } = callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node:internal';
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = path.slice(modules + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const dist = path.indexOf(`${root}/dist/`);
  if (dist >= 0) {
    const parts = path.slice(dist + root.length + '/dist/'.length).split('/');
    return `app:${parts[0]}/${parts[1]}`;
  }
  if (path.startsWith(`${root}/scripts/`)) return 'bench-script';
  return path;
}

/** Named parts of a GraphQL request, by a frame that encloses each (inclusive time). */
const COMPONENTS = [
  [
    'auth: bearer token, whole (passport-jwt strategy, session lookup included)',
    /^JwtStrategy\.authenticate$/,
    /passport-jwt/,
  ],
  ['auth: JWT signature check (jws)', /^jwsVerify$/, /jws/],
  ['auth: session lookup (AuthService.authenticate)', /^authenticate$/, /identity\/src\/auth\/auth\.service/],
  ['TypeORM: building SQL (getQueryAndParameters)', /^getQueryAndParameters$/, /typeorm/],
  ['TypeORM: rows to entities (RawSqlResultsToEntityTransformer)', /^transform$/, /RawSqlResultsToEntityTransformer/],
  ['pg: sending statements (Query.submit)', /^submit$/, /pg\/lib\/query/],
  ['pg-protocol: parsing results', /^parse$/, /pg-protocol/],
  ['graphql-js: executing fields (executeFields)', /^executeFields$/, /graphql\/execution/],
  ['complexity plugin (getComplexity)', /^getComplexity$/, /graphql-query-complexity/],
  ['Nest field-resolver wrapper (ExternalContextCreator)', /.*/, /external-context-creator/],
  ['DataLoader batches (dispatchBatch)', /^dispatchBatch$/, /dataloader/],
  ['Fastify reply (Reply.send)', /^Reply\.send$/, /fastify/],
];

const pct = (n, total) => Math.round((1000 * n) / Math.max(total, 1)) / 10;

export function summariseProfile(profile, root, top = 12) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfByPackage = new Map();
  const inclusiveByPackage = new Map();
  const selfByFunction = new Map();
  const byComponent = new Map();
  let busy = 0;
  for (const id of profile.samples) {
    const node = nodes.get(id);
    const frame = node.callFrame;
    if (frame.functionName === '(idle)') continue;
    busy++;
    const pkg = packageOf(frame, root);
    selfByPackage.set(pkg, (selfByPackage.get(pkg) ?? 0) + 1);
    const fn = `${frame.functionName || '(anonymous)'} ${pkg}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    selfByFunction.set(fn, (selfByFunction.get(fn) ?? 0) + 1);
    const seen = new Set();
    for (let cursor = id; cursor !== undefined; cursor = parent.get(cursor)) {
      const callFrame = nodes.get(cursor).callFrame;
      for (const [name, fn, url] of COMPONENTS) {
        if (!seen.has(name) && fn.test(callFrame.functionName) && url.test(callFrame.url)) {
          seen.add(name);
          byComponent.set(name, (byComponent.get(name) ?? 0) + 1);
        }
      }
      const p = packageOf(callFrame, root);
      if (p === '(root)' || seen.has(p)) continue;
      seen.add(p);
      inclusiveByPackage.set(p, (inclusiveByPackage.get(p) ?? 0) + 1);
    }
  }
  const ranked = (map, limit = top) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, samples]) => ({ name, pct: pct(samples, busy) }));
  const idle = profile.samples.length - busy;
  return {
    samples: profile.samples.length,
    busyPct: pct(busy, profile.samples.length),
    idleSamples: idle,
    selfByPackagePctOfBusy: ranked(selfByPackage),
    inclusiveByPackagePctOfBusy: ranked(inclusiveByPackage),
    inclusiveByComponentPctOfBusy: ranked(byComponent, COMPONENTS.length),
    hottestFunctionsSelfPctOfBusy: ranked(selfByFunction),
  };
}
