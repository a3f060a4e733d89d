import { type Command, Option } from 'commander';
import { AccountService, IdentityException, Role } from '@guildhall/identity';
import { UsageError, withContext } from '../cli-context';

export function registerAccountsCommands(program: Command): void {
  const accounts = program.command('accounts').description('manage local accounts');
  accounts
    .command('create')
    .description('create a local account')
    .argument('<username>', '1-30 characters: a-z, 0-9, underscore')
    .requiredOption('--email <email>', 'email address')
    .requiredOption('--password <password>', 'password, at least 10 characters')
    .addOption(new Option('--role <role>', 'role').choices(Object.values(Role)).default(Role.Member))
    .option('--display-name <name>', 'display name')
    .action(
      async (username: string, options: { email: string; password: string; role: Role; displayName?: string }) => {
        if (options.password.length < 10) throw new UsageError('--password must be at least 10 characters');
        if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(options.email))
          throw new UsageError('--email is not a valid email address');
        const created = await withContext({ migrate: true }, async (app) => {
          try {
            return await app.get(AccountService).createLocal({
              username,
              email: options.email,
              password: options.password,
              role: options.role,
              displayName: options.displayName,
            });
          } catch (error) {
            if (error instanceof IdentityException) throw new UsageError(error.message);
            throw error;
          }
        });
        process.stdout.write(
          JSON.stringify({
            id: created.account.id,
            username: created.account.username,
            email: created.user.email,
            role: created.user.role,
          }) + '\n',
        );
      },
    );
}
