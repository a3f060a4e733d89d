import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Secrets {
  jwtSecret: string;
  /** Derives the key that encrypts actors' private keys at rest (libs/federation). */
  federationKeySecret: string;
}

const FILE = 'secrets.json';
const NAMES = ['jwtSecret', 'federationKeySecret'] as const satisfies readonly (keyof Secrets)[];

const usable = (value: unknown): value is string => typeof value === 'string' && value.length >= 32;

function readStored(path: string): Partial<Secrets> {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Partial<Secrets>) : {};
}

/**
 * Secrets not given in the environment are generated once and kept in DATA_DIR (mode 0600), so
 * that every process sharing DATA_DIR agrees on them and tokens and stored keys survive restarts.
 * A file from an older version is completed with the secrets it lacks; the ones it has are kept.
 */
export function loadOrCreateSecrets(dataDir: string, given: Partial<Secrets>): Secrets {
  const path = join(dataDir, FILE);
  const fromEnv = (name: keyof Secrets) => (usable(given[name]) ? given[name] : undefined);
  if (NAMES.every((name) => fromEnv(name)))
    return { jwtSecret: given.jwtSecret!, federationKeySecret: given.federationKeySecret! };

  const stored = readStored(path);
  const missing = NAMES.filter((name) => !fromEnv(name) && !usable(stored[name]));
  if (missing.length) {
    mkdirSync(dataDir, { recursive: true, mode: 0o755 });
    const next: Partial<Secrets> = { ...stored };
    for (const name of missing) next[name] = randomBytes(48).toString('base64url');
    if (!existsSync(path)) {
      // 'wx' fails if another process created the file first; then we read theirs.
      try {
        writeFileSync(path, JSON.stringify(next), { mode: 0o600, flag: 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        return loadOrCreateSecrets(dataDir, given);
      }
    } else {
      // Completing an existing file: write beside it and rename, so no reader sees half a file.
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(next), { mode: 0o600 });
      renameSync(temporary, path);
    }
    chmodSync(path, 0o600);
    return loadOrCreateSecrets(dataDir, given);
  }
  return {
    jwtSecret: fromEnv('jwtSecret') ?? stored.jwtSecret!,
    federationKeySecret: fromEnv('federationKeySecret') ?? stored.federationKeySecret!,
  };
}
