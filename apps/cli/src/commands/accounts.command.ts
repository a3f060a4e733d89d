import { type Command, Option } from 'commander';
import { AccountService, CredentialService, IdentityException, Role } from '@guildhall/identity';
import { UsageError, withContext } from '../cli-context';
import { promptSecret, readStdin } from '../read-secret';

interface CreateOptions {
  email: string;
  password?: string;
  passwordStdin?: boolean;
  role: Role;
  displayName?: string;
}

/**
 * The password from the safest source given: standard input, else a prompt on the terminal. A
 * `--password` argument still works (the contract's form) but is visible in the process list.
 */
async function passwordOf(options: CreateOptions): Promise<string> {
  if (options.password !== undefined && options.passwordStdin) {
    throw new UsageError('give the password with --password or --password-stdin, not both');
  }
  if (options.password !== undefined) {
    process.stderr.write(
      'guildhall: note: --password can be read from the process list by other users of this machine; ' +
        '--password-stdin or the prompt keep it out\n',
    );
    return options.password;
  }
  if (options.passwordStdin) return readStdin();
  if (!process.stdin.isTTY) {
    throw new UsageError('no password: pipe it with --password-stdin, or run in a terminal to be asked for it');
  }
  const password = await promptSecret('Password: ');
  if (password.length >= 10 && (await promptSecret('Password again: ')) !== password) {
    throw new UsageError('the two passwords differ');
  }
  return password;
}

/** Runs an identity call, turning what the operator got wrong into exit 2 with its message. */
async function operatorCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof IdentityException) throw new UsageError(error.message);
    throw error;
  }
}

export function registerAccountsCommands(program: Command): void {
  const accounts = program.command('accounts').description('manage local accounts');
  accounts
    .command('create')
    .description('create a local account (the password is asked for on a terminal unless given)')
    .argument('<username>', '1-30 characters: a-z, 0-9, underscore')
    .requiredOption('--email <email>', 'email address')
    .option('--password <password>', 'password, at least 10 characters (visible in the process list)')
    .option('--password-stdin', 'read the password from standard input')
    .addOption(new Option('--role <role>', 'role').choices(Object.values(Role)).default(Role.Member))
    .option('--display-name <name>', 'display name')
    .action(async (username: string, options: CreateOptions) => {
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(options.email)) {
        throw new UsageError('--email is not a valid email address');
      }
      const password = await passwordOf(options);
      const named = options.password !== undefined ? '--password' : 'the password';
      if (password.length < 10) throw new UsageError(`${named} must be at least 10 characters`);
      if (password.length > 256) throw new UsageError(`${named} must be at most 256 characters`);
      const created = await withContext({ migrate: true }, (app) =>
        operatorCall(() =>
          app.get(AccountService).createLocal({
            username,
            email: options.email,
            password,
            role: options.role,
            displayName: options.displayName,
          }),
        ),
      );
      process.stdout.write(
        JSON.stringify({
          id: created.account.id,
          username: created.account.username,
          email: created.user.email,
          role: created.user.role,
        }) + '\n',
      );
    });

  accounts
    .command('reset-password')
    .description(
      'issue a one-time password reset token (valid 1 hour) for a local account; the member sets a new ' +
        'password with the GraphQL mutation resetPassword(token, newPassword)',
    )
    .argument('<username>', 'the local account')
    .action(async (username: string) => {
      const reset = await withContext({ migrate: true }, (app) =>
        operatorCall(() => app.get(CredentialService).issueReset(username, null)),
      );
      process.stdout.write(
        JSON.stringify({
          username: reset.account.username,
          token: reset.token,
          expiresAt: reset.expiresAt.toISOString(),
        }) + '\n',
      );
    });
}
