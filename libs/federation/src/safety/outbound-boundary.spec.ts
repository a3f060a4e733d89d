import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..', '..');
/**
 * The one outbound client (ADR 0018), and the exceptions, each with its reason. Nothing that may
 * reach an address a user or a remote server chose belongs here.
 */
const ALLOWED = new Map<string, string>([
  ['libs/federation/src/safety/outbound-http.ts', 'the guarded client itself'],
  [
    'libs/core/src/storage/s3.storage.ts',
    // ADR 0049: S3_ENDPOINT is operator-configured (often MinIO on loopback or the LAN), never
    // user input, so the SDK gets its own node:http(s) agents instead of the guarded dispatcher.
    'media bucket at the operator-configured S3_ENDPOINT',
  ],
]);

/**
 * Ways to reach the network without OutboundHttp: the global fetch, undici, node:http(s) requests,
 * and the AWS SDK (whose own handler reaches any host it is given).
 */
const FORBIDDEN: [string, RegExp][] = [
  ['global fetch', /(?<![.\w$])fetch\s*\(/],
  ['globalThis.fetch', /globalThis\s*\.\s*fetch/],
  ['undici (other than its types)', /from\s+'undici'|require\(\s*'undici'\s*\)|import\(\s*'undici'\s*\)/],
  [
    'node:http(s) client',
    /import\s*(?:\*|\w+\s*,|\{[^}]*\b(?:request|get|Agent|ClientRequest)\b[^}]*\})[^;]*from\s+'(?:node:)?https?'|require\(\s*'(?:node:)?https?'\s*\)/,
  ],
  ['AWS SDK client or HTTP handler', /from\s+'@(?:aws-sdk|smithy)\/[^']+'|require\(\s*'@(?:aws-sdk|smithy)\//],
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

  it('allows node:http(s) agents only in the S3 media store, which reaches no one but S3_ENDPOINT', () => {
    const code = readFileSync(join(ROOT, 'libs/core/src/storage/s3.storage.ts'), 'utf8');
    // The exception is for the SDK's handler and nothing else: no fetch, no undici, no requests by hand.
    for (const [what, pattern] of FORBIDDEN.slice(0, 3))
      expect(`${what}: ${pattern.test(code)}`).toBe(`${what}: false`);
    // Agents only, handed to the SDK's NodeHttpHandler: no request or get of node:http(s).
    expect(code.match(/^import .* from '(?:node:)?https?';$/gm)).toEqual([
      "import { Agent as HttpAgent } from 'node:http';",
      "import { Agent as HttpsAgent } from 'node:https';",
    ]);
    expect([...ALLOWED.keys()]).toEqual([
      'libs/federation/src/safety/outbound-http.ts',
      'libs/core/src/storage/s3.storage.ts',
    ]);
  });

  it('would notice a module calling fetch itself', () => {
    expect(FORBIDDEN[0][1].test('const r = await fetch(url);')).toBe(true);
    expect(FORBIDDEN[0][1].test('this.federation.fetch(request)')).toBe(false);
    expect(FORBIDDEN[2][1].test("import { request } from 'undici';")).toBe(true);
    expect(FORBIDDEN[3][1].test("import { request } from 'node:https';")).toBe(true);
    expect(FORBIDDEN[3][1].test("import { STATUS_CODES } from 'node:http';")).toBe(false);
    expect(FORBIDDEN[4][1].test("import { S3Client } from '@aws-sdk/client-s3';")).toBe(true);
  });
});
