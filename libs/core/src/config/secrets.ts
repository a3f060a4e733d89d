import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Secrets {
  jwtSecret: string;
}

const FILE = 'secrets.json';

/**
 * Secrets not given in the environment are generated once and kept in DATA_DIR (mode 0600), so
 * that every process sharing DATA_DIR agrees on them and tokens survive restarts.
 */
export function loadOrCreateSecrets(dataDir: string, given: Partial<Secrets>): Secrets {
  if (given.jwtSecret) return { jwtSecret: given.jwtSecret };
  const path = join(dataDir, FILE);
  if (existsSync(path)) {
    const stored = JSON.parse(readFileSync(path, 'utf8')) as Partial<Secrets>;
    if (typeof stored.jwtSecret === 'string' && stored.jwtSecret.length >= 32) {
      return { jwtSecret: stored.jwtSecret };
    }
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const secrets: Secrets = { jwtSecret: randomBytes(48).toString('base64url') };
  // 'wx' fails if another process created the file first; then we read theirs.
  try {
    writeFileSync(path, JSON.stringify(secrets), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return loadOrCreateSecrets(dataDir, given);
  }
  chmodSync(path, 0o600);
  return secrets;
}
