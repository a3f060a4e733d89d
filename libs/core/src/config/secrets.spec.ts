import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateSecrets } from './secrets';

describe('loadOrCreateSecrets', () => {
  it('generates a secret once, keeps it mode 0600, and returns the same one after', () => {
    const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
    const first = loadOrCreateSecrets(dir, {});
    expect(first.jwtSecret).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(statSync(join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(loadOrCreateSecrets(dir, {})).toEqual(first);
    expect(JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8'))).toEqual(first);
  });

  it('prefers a secret given in the environment and writes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
    expect(loadOrCreateSecrets(dir, { jwtSecret: 'g'.repeat(40) })).toEqual({ jwtSecret: 'g'.repeat(40) });
    expect(() => statSync(join(dir, 'secrets.json'))).toThrow();
  });
});
