import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..', '..');
/** The one outbound client (ADR 0018). */
const ALLOWED = new Set(['libs/federation/src/safety/outbound-http.ts']);

/** Ways to reach the network without OutboundHttp: the global fetch, undici, node:http(s) requests. */
const FORBIDDEN: [string, RegExp][] = [
  ['global fetch', /(?<![.\w$])fetch\s*\(/],
  ['globalThis.fetch', /globalThis\s*\.\s*fetch/],
  ['undici (other than its types)', /from\s+'undici'|require\(\s*'undici'\s*\)|import\(\s*'undici'\s*\)/],
  [
    'node:http(s) client',
    /import\s*(?:\*|\w+\s*,|\{[^}]*\b(?:request|get|Agent|ClientRequest)\b[^}]*\})[^;]*from\s+'(?:node:)?https?'|require\(\s*'(?:node:)?https?'\s*\)/,
  ],
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('outbound HTTP boundary', () => {
  it('leaves every outbound request of libs/ and apps/ to OutboundHttp', () => {
    const offenders: string[] = [];
    for (const file of [...sources(join(ROOT, 'libs')), ...sources(join(ROOT, 'apps'))]) {
      const path = relative(ROOT, file);
      if (ALLOWED.has(path)) continue;
      // Comments may name fetch; `import type` from undici carries no code.
      const code = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')
        .replace(/^import type .*$/gm, '');
      for (const [what, pattern] of FORBIDDEN) if (pattern.test(code)) offenders.push(`${path}: ${what}`);
    }
    expect(offenders).toEqual([]);
  });

  it('would notice a module calling fetch itself', () => {
    expect(FORBIDDEN[0][1].test('const r = await fetch(url);')).toBe(true);
    expect(FORBIDDEN[0][1].test('this.federation.fetch(request)')).toBe(false);
    expect(FORBIDDEN[2][1].test("import { request } from 'undici';")).toBe(true);
    expect(FORBIDDEN[3][1].test("import { request } from 'node:https';")).toBe(true);
    expect(FORBIDDEN[3][1].test("import { STATUS_CODES } from 'node:http';")).toBe(false);
  });
});
