import { Injectable } from '@nestjs/common';
import type { AuthContext } from '../auth/auth-context';
import { Role } from '../identity.constants';
import { AccountRepository } from './account.repository';

/** Whether a role is staff: moderators and admins. */
export const isStaffRole = (role: Role | null | undefined): boolean => role === Role.Moderator || role === Role.Admin;

/**
 * The one rule for every moderator power over an account (suspending it, lifting its suspension,
 * deleting its posts): admins act on anyone; moderators act on non-staff only (members and remote
 * accounts, whose role is null); members on no one. A moderator cannot silence another moderator
 * or an admin; only an admin can.
 */
export function mayModerateRole(actor: Role, target: Role | null): boolean {
  if (actor === Role.Admin) return true;
  if (actor === Role.Moderator) return !isStaffRole(target);
  return false;
}

/** The rule above, for an account known by id (its role read from the database, not a token). */
@Injectable()
export class StaffAuthority {
  constructor(private readonly accounts: AccountRepository) {}

  /** Who hears of sign-ups and reports (Mastodon's `admin.*` notifications): every moderator and admin. */
  staffAccountIds(): Promise<string[]> {
    return this.accounts.staffAccountIds();
  }

  /** The role of the local user behind an account (member, moderator, admin); null for a remote one. */
  roleOf(accountId: string): Promise<Role | null> {
    return this.accounts.roleOf(accountId);
  }

  async mayModerate(actor: AuthContext, targetAccountId: string): Promise<boolean> {
    if (actor.role === Role.Admin) return true;
    if (actor.role !== Role.Moderator) return false;
    return mayModerateRole(actor.role, await this.accounts.roleOf(targetAccountId));
  }
}
