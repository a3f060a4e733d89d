import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateSecrets } from './secrets';

describe('loadOrCreateSecrets', () => {
  it('generates the secrets once, keeps them mode 0600, and returns the same ones after', () => {
    const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
    const first = loadOrCreateSecrets(dir, {});
    expect(first.jwtSecret).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(first.federationKeySecret).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(first.federationKeySecret).not.toBe(first.jwtSecret);
    expect(statSync(join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(loadOrCreateSecrets(dir, {})).toEqual(first);
    expect(JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8'))).toEqual(first);
  });

  it('prefers secrets given in the environment and writes nothing when all are given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
    const given = { jwtSecret: 'g'.repeat(40), federationKeySecret: 'f'.repeat(40) };
    expect(loadOrCreateSecrets(dir, given)).toEqual(given);
    expect(() => statSync(join(dir, 'secrets.json'))).toThrow();
  });

  it('stores only the secrets the environment does not give', () => {
    const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
    const secrets = loadOrCreateSecrets(dir, { jwtSecret: 'g'.repeat(40) });
    expect(secrets.jwtSecret).toBe('g'.repeat(40));
    expect(JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8'))).toEqual({
      federationKeySecret: secrets.federationKeySecret,
    });
  });

  it('completes a file written before federation keys existed, keeping its JWT secret', () => {
    const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
    writeFileSync(join(dir, 'secrets.json'), JSON.stringify({ jwtSecret: 'j'.repeat(64) }), { mode: 0o600 });
    const secrets = loadOrCreateSecrets(dir, {});
    expect(secrets.jwtSecret).toBe('j'.repeat(64));
    expect(secrets.federationKeySecret).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(loadOrCreateSecrets(dir, {})).toEqual(secrets);
    expect(statSync(join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
  });
});
