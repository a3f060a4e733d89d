import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackupErrorCode } from './backup.exception';
import { readManifest, verifyChecksums, writeManifest, type BackupManifest } from './backup-manifest';
import { findTool } from './postgres-tools';

const SUMMARY: Omit<BackupManifest, 'files'> = {
  format: 'guildhall-backup/1',
  guildhallVersion: '0.1.0',
  createdAt: '2026-12-06T09:00:00.000Z',
  database: {
    kind: 'pg_dump',
    serverVersion: '15.20',
    serverMajor: 15,
    tool: 'pg_dump (PostgreSQL) 15.20',
    migrations: [],
  },
  media: { files: 1, referenced: 1 },
};

describe('backup manifest', () => {
  let dir: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'backup-manifest-'));
    mkdirSync(join(dir, 'media', 'ab', 'cd'), { recursive: true });
    writeFileSync(join(dir, 'database.dump'), 'dump bytes');
    writeFileSync(join(dir, 'media', 'ab', 'cd', 'k.png'), 'png bytes');
    await writeManifest(dir, SUMMARY);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists every file with its size and SHA-256, and verifies', async () => {
    const manifest = readManifest(dir);
    expect(manifest.files).toEqual({
      'database.dump': { bytes: 10, sha256: '03a9624832fd437c526b7e67e49838ba9a05fd0d3a0a7cec321fb5ae39fa710e' },
      'media/ab/cd/k.png': { bytes: 9, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as string },
    });
    await expect(verifyChecksums(dir, manifest)).resolves.toBeUndefined();
  });

  it('names a changed, a missing and an unlisted file', async () => {
    const manifest = readManifest(dir);
    writeFileSync(join(dir, 'database.dump'), 'dump byteZ');
    rmSync(join(dir, 'media', 'ab', 'cd', 'k.png'));
    writeFileSync(join(dir, 'extra'), 'x');
    const error = await verifyChecksums(dir, manifest).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: BackupErrorCode.CHECKSUM_MISMATCH });
    expect((error as Error).message.split('\n').slice(1)).toEqual([
      expect.stringMatching(/^database\.dump: expected sha256 03a96248.* \(10 bytes\), found [0-9a-f]{64}$/) as string,
      'media/ab/cd/k.png: missing',
      'extra: not in the manifest',
    ]);
  });

  it('refuses a directory without a manifest: an unfinished backup', () => {
    rmSync(join(dir, 'manifest.json'));
    expect(() => readManifest(dir)).toThrow(
      `${dir} has no manifest.json: not a Guildhall backup, or one that did not finish`,
    );
  });
});

describe('findTool', () => {
  it('takes the tool of the server major only', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'backup-bin-'));
    writeFileSync(join(bin, 'pg_dump'), '#!/bin/sh\necho "pg_dump (PostgreSQL) 18.4"\n');
    chmodSync(join(bin, 'pg_dump'), 0o755);
    await expect(findTool('pg_dump', 18, bin)).resolves.toEqual({
      path: join(bin, 'pg_dump'),
      version: 'pg_dump (PostgreSQL) 18.4',
      major: 18,
    });
    await expect(findTool('pg_dump', 17, bin)).rejects.toMatchObject({ reason: BackupErrorCode.TOOLS_MISMATCH });
    rmSync(bin, { recursive: true, force: true });
  });
});
