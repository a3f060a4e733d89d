import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { ConfigValidationError } from '@guildhall/core';
import { UsageError } from './src/cli-context';
import { registerAccountsCommands } from './src/commands/accounts.command';
import { registerBackupCommands } from './src/commands/backup.command';
import { registerCoopCommands } from './src/commands/coop.command';
import { registerEventsCommands } from './src/commands/events.command';
import { registerMigrateCommand } from './src/commands/migrate.command';

const program = new Command()
  .name('guildhall')
  .description('Operate a Guildhall server: migrations, accounts, the cooperative, domain events')
  .showHelpAfterError()
  .exitOverride();

registerMigrateCommand(program);
registerAccountsCommands(program);
registerCoopCommands(program);
registerEventsCommands(program);
registerBackupCommands(program);

program.parseAsync(process.argv).then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
    if (error instanceof UsageError || error instanceof ConfigValidationError) {
      process.stderr.write(`guildhall: ${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`guildhall: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
