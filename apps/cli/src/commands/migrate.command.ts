import type { Command } from 'commander';
import { MigrationRunner } from '@guildhall/core';
import { withContext } from '../cli-context';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations (servers and workers also do this at start-up)')
    .action(async () => {
      const applied = await withContext({ migrate: false }, (app) => app.get(MigrationRunner).run());
      process.stdout.write(JSON.stringify({ applied: applied.map((migration) => migration.name) }) + '\n');
    });
}
