import { Injectable, Logger } from '@nestjs/common';
import {
  AccountService,
  AccountStateRepository,
  AuthService,
  Role,
  StaffAuthority,
  type AccountEntity,
  type AuthContext,
} from '@guildhall/identity';
import { ModerationErrorCode, ModerationException } from './moderation.exception';

/**
 * Suspension hides an account without deleting anything: it cannot log in (its sessions end),
 * its posts leave every read (the visibility rule), `account(handle)` shows it to moderators
 * only. Lifting it restores all of that but the sessions.
 */
@Injectable()
export class AccountSuspensionService {
  private readonly logger = new Logger(AccountSuspensionService.name);

  constructor(
    private readonly accounts: AccountService,
    private readonly suspensions: AccountStateRepository,
    private readonly auth: AuthService,
    private readonly staff: StaffAuthority,
  ) {}

  async suspendAccount(moderator: AuthContext, handle: string): Promise<AccountEntity> {
    return this.suspend(moderator, await this.find(handle));
  }

  async unsuspendAccount(moderator: AuthContext, handle: string): Promise<AccountEntity> {
    const account = await this.find(handle);
    await this.mayActOn(moderator, account);
    // A suspension whose maker is not on record (made before it was) is an admin's to lift.
    if (account.suspendedAt && account.suspendedByRole !== Role.Moderator && moderator.role !== Role.Admin) {
      throw new ModerationException(
        ModerationErrorCode.SuspendedByAdmin,
        'An admin suspended this account: only an admin may lift it',
      );
    }
    const lifted = await this.suspensions.unsuspend(account.id, moderator.accountId);
    this.logger.log({ msg: 'account unsuspended', accountId: account.id, moderatorId: moderator.accountId });
    return lifted;
  }

  /** Suspends an account found already (a report's target). */
  async suspend(moderator: AuthContext, account: AccountEntity): Promise<AccountEntity> {
    if (account.id === moderator.accountId) {
      throw new ModerationException(ModerationErrorCode.CannotSuspendSelf, 'You cannot suspend your own account');
    }
    await this.mayActOn(moderator, account);
    const suspended = await this.suspensions.suspend(account.id, moderator.role, moderator.accountId);
    // After the mark: from then on every token is refused anyway, this only ends the sessions.
    const sessions = account.domain === null ? await this.auth.endSessionsOfAccount(account.id) : 0;
    this.logger.log({ msg: 'account suspended', accountId: account.id, moderatorId: moderator.accountId, sessions });
    return suspended;
  }

  /** Suspending and lifting follow the staff rule (StaffAuthority): moderators act on non-staff only. */
  private async mayActOn(moderator: AuthContext, account: AccountEntity): Promise<void> {
    if (!(await this.staff.mayModerate(moderator, account.id))) {
      throw new ModerationException(
        ModerationErrorCode.CannotSuspendStaff,
        'Only an admin may suspend or unsuspend a moderator or an admin',
      );
    }
  }

  /**
   * The stewards' console: an account by handle (`alice`, `bob@remote.example`; never fetched from
   * its server) with its local user's role (null for a remote account), suspended or not.
   */
  async lookup(handle: string): Promise<{ account: AccountEntity; role: Role | null } | null> {
    const account = await this.accounts.findByHandle(handle.slice(0, 300), { resolveRemote: false });
    return account ? { account, role: await this.staff.roleOf(account.id) } : null;
  }

  /** For federation: a suspended local actor's document answers 410 Gone. */
  isSuspended(username: string): Promise<boolean> {
    return this.suspensions.isLocalSuspended(username);
  }

  private async find(handle: string): Promise<AccountEntity> {
    const account = await this.accounts.findByHandle(handle.slice(0, 300), { resolveRemote: false });
    if (!account) throw new ModerationException(ModerationErrorCode.AccountNotFound, 'No such account');
    return account;
  }
}
