import type { Command } from 'commander';
import { DataSource } from 'typeorm';
import { BackupException, BackupRestorer, BackupWriter, MediaStorage } from '@guildhall/core';
import { MediaService } from '@guildhall/content';
import { UsageError, withContext, withoutRuntime } from '../cli-context';

/** An operator's refusal (a full directory, mismatched tools, a bad checksum) exits 2 with its reason. */
const operatorError = (error: unknown) => (error instanceof BackupException ? new UsageError(error.message) : error);

/**
 * `guildhall backup <dir>` and `guildhall restore <dir>`: the database, the media and the
 * secrets, with a checksummed manifest (docs/adr/0023-backups.md).
 */
export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description(
      'write a consistent backup into a new directory: the database (pg_dump of the server’s own major ' +
        'version, or a physical copy of the embedded PostgreSQL), the media, secrets.json and a manifest ' +
        'with checksums; prints the manifest summary as JSON',
    )
    .argument('<dir>', 'a directory that does not exist yet, or is empty')
    .action(async (dir: string) => {
      const manifest = await withContext({ migrate: false }, (app, runtime) => {
        const media = app.get(MediaService);
        return new BackupWriter(app.get(DataSource), runtime.config, runtime.logger, app.get(MediaStorage))
          .write(dir, (manager) => media.storageKeys(manager))
          .catch((error: unknown) => {
            throw operatorError(error);
          });
      });
      const { files, ...summary } = manifest;
      process.stdout.write(JSON.stringify({ ...summary, files: Object.keys(files).length }) + '\n');
    });
  program
    .command('restore')
    .description(
      'restore a backup into an empty database (DATABASE_URL) or a new DATA_DIR (embedded PostgreSQL), ' +
        'its media into DATA_DIR or, with MEDIA_STORAGE=s3, into the bucket (empty under S3_PREFIX), ' +
        'after checking every checksum; stop servers and workers first',
    )
    .argument('<dir>', 'a directory written by guildhall backup')
    .option('--force', 'replace what the database and DATA_DIR hold instead of refusing')
    .action(async (dir: string, options: { force?: boolean }) => {
      const { values, logger } = withoutRuntime();
      const report = await new BackupRestorer(values, logger)
        .restore(dir, { force: options.force === true })
        .catch((error: unknown) => {
          throw operatorError(error);
        });
      process.stdout.write(JSON.stringify(report) + '\n');
    });
}
