import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, ROOT, run } from './utils/spawn';

/** `guildhall coop replay` from the built CLI (npm run build first): pure, no database. */
describe('guildhall coop replay', () => {
  const FIXTURES = join(ROOT, 'libs/coop/test-fixtures');
  // No DATABASE_URL, no DATA_DIR: the command must not need either.
  const replay = (...args: string[]) => run(['dist/apps/cli/main.js', 'coop', 'replay', ...args], cleanEnv({}));
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'guildhall-coop-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['example-1', 'example-2', 'example-4'])('prints the result of %s as one line of JSON', async (example) => {
    const result = await replay(join(FIXTURES, `${example}.snapshot.json`));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toHaveLength(2); // one line and its newline
    expect(JSON.parse(result.stdout)).toEqual(
      JSON.parse(readFileSync(join(FIXTURES, `${example}.result.json`), 'utf8')),
    );
  });

  it('indents the same result with --pretty', async () => {
    const result = await replay('--pretty', join(FIXTURES, 'example-4.snapshot.json'));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      '\n  "inputHash": "8f4108571fdff3392f60e5a3f851440603eff4e3d6055d0a9a9b6fb6cb4d9980",\n',
    );
    expect(JSON.parse(result.stdout).outputHash).toBe(
      'edc6fa30caa7d556cc62125ab7cfe3ed646dbd8c816861350168fa9aef36a21f',
    );
  });

  it('exits 2 with every problem of an invalid snapshot on stderr, one per line at its JSON path', async () => {
    const snapshot = JSON.parse(readFileSync(join(FIXTURES, 'example-1.snapshot.json'), 'utf8')) as {
      parameters: { pools: Record<string, number> };
      members: Array<Record<string, unknown>>;
      events: Array<Record<string, unknown>>;
    };
    snapshot.parameters.pools = { CREATOR: 9000 };
    snapshot.members.push({ ...snapshot.members[0] });
    snapshot.events[3].member = 'zed';
    snapshot.events[1].amount = 1.5;
    const file = join(dir, 'invalid.json');
    writeFileSync(file, JSON.stringify(snapshot));
    const result = await replay(file);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      `guildhall: invalid snapshot ${file} (4 problems):`,
      '$.parameters.pools: must sum to 10000, got 9000',
      '$.members[3].id: duplicate member id "alice" (first at $.members[0])',
      '$.events[1].amount: must be an integer, got 1.5',
      '$.events[3].member: unknown member "zed"',
    ]);
  });

  it('exits 2 naming $ for malformed JSON and for a file it cannot read', async () => {
    const file = join(dir, 'malformed.json');
    writeFileSync(file, '{"format": "guildhall.period-snapshot/1",');
    const malformed = await replay(file);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(
      /^guildhall: invalid snapshot .*malformed\.json \(1 problem\):\n\$: not valid JSON: .+\n$/,
    );
    const missing = await replay(join(dir, 'nowhere.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/\n\$: cannot read the file: ENOENT/);
  });

  it('documents the output in --help', async () => {
    const result = await replay('--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: guildhall coop replay [options] <snapshot.json>');
    expect(result.stdout).toContain('--pretty');
  });
});
