import { Injectable, Logger } from '@nestjs/common';
import { afterCursor, AuditLog, type Page, toPage } from '@guildhall/core';
import { AccountService } from '@guildhall/identity';
import type { EntityManager } from 'typeorm';
import { DEFAULT_SHARE_PAR_CENTS } from '../bylaws';
import { CoopServiceErrorCode, CoopServiceException } from '../coop-service.exception';
import { LedgerRepository } from '../ledger/ledger.repository';
import { LedgerService } from '../ledger/ledger.service';
import { MoneyAccount, UnitsAccount } from '../ledger/posting-line';
import { COOP_MEMBER_STATUSES, type CoopMemberEntity, type CoopMemberStatus } from './coop-member.entity';
import { CoopMemberRepository, type CoopMemberRow } from './coop-member.repository';

const ADMITTED: CoopMemberStatus[] = ['active', 'inactive', 'suspended'];

/**
 * Joining and leaving (SPEC §3, §7): an account applies, an admin admits it (its membership share
 * is paid in at par); a member withdraws or an admin expels it: its units are retired and its
 * share is redeemed at par (payable). Its capital vintages stay in its capital account and revolve
 * with everyone's, on the schedule (capital/): nothing is posted for them here — a vintage is
 * redeemed for every member holding it at once, and a member who left is paid whatever becomes
 * payable at the next payout run, below the minimum payout too (its final settlement).
 */
@Injectable()
export class MembershipService {
  private readonly logger = new Logger(MembershipService.name);

  constructor(
    private readonly members: CoopMemberRepository,
    private readonly accounts: AccountService,
    private readonly ledgerService: LedgerService,
    private readonly ledger: LedgerRepository,
    private readonly audit: AuditLog,
  ) {}

  find(accountId: string): Promise<CoopMemberEntity | null> {
    return this.members.findByAccountId(accountId);
  }

  async apply(accountId: string): Promise<CoopMemberEntity> {
    const applied = await this.members.apply(accountId);
    if (!applied) throw new CoopServiceException(CoopServiceErrorCode.AlreadyApplied, 'This account applied already');
    this.logger.log({ msg: 'membership applied', accountId });
    return applied;
  }

  /** How many memberships are in each status (every status present, 0 when none). */
  async counts(): Promise<Record<CoopMemberStatus, number>> {
    const found = await this.members.countByStatus();
    return Object.fromEntries(COOP_MEMBER_STATUSES.map((status) => [status, found[status] ?? 0])) as Record<
      CoopMemberStatus,
      number
    >;
  }

  /**
   * The stewards' list: memberships in `statuses` (default: every status), in sign-up order,
   * `first` at a time after the cursor `after` (an account id's cursor).
   */
  async list(
    statuses: readonly CoopMemberStatus[] = COOP_MEMBER_STATUSES,
    first: number,
    after?: string | null,
  ): Promise<Page<CoopMemberRow>> {
    const unknown = statuses.find((status) => !COOP_MEMBER_STATUSES.includes(status));
    if (unknown !== undefined) {
      throw new CoopServiceException(CoopServiceErrorCode.UnknownStatus, `No membership status ${unknown}`, {
        field: 'status',
      });
    }
    return toPage(await this.members.listPage(statuses, afterCursor(after), first + 1), first);
  }

  /** Admits a pending applicant; the acting steward is recorded in the audit log with it. */
  async admit(handle: string, actorId: string | null): Promise<CoopMemberEntity> {
    const accountId = await this.localAccountId(handle);
    return this.members.transaction(async (manager) => {
      const member = await this.members.transition(manager, accountId, ['pending'], {
        status: 'active',
        joinedAt: new Date(),
        sharePaidCents: DEFAULT_SHARE_PAR_CENTS,
      });
      if (!member)
        throw new CoopServiceException(CoopServiceErrorCode.NotPending, `${handle} has no pending application`);
      await this.ledgerService.post(manager, {
        key: `share:${accountId}`,
        ledger: 'money',
        periodId: null,
        lines: [
          { account: MoneyAccount.Cash, amount: member.sharePaidCents },
          { account: MoneyAccount.MembershipShares, memberId: accountId, amount: -member.sharePaidCents },
        ],
      });
      await this.audit.record(manager, {
        actorId,
        action: 'coop.admit',
        subject: handle,
        details: { accountId, sharePaidCents: member.sharePaidCents },
      });
      this.logger.log({ msg: 'member admitted', accountId });
      return member;
    });
  }

  withdraw(accountId: string): Promise<CoopMemberEntity> {
    return this.leave(accountId, 'withdrawn', () => Promise.resolve());
  }

  /** Expels a member; the acting steward is recorded in the audit log with it. */
  async expel(handle: string, actorId: string | null): Promise<CoopMemberEntity> {
    const accountId = await this.localAccountId(handle);
    return this.leave(accountId, 'expelled', (manager, units) =>
      this.audit.record(manager, {
        actorId,
        action: 'coop.expel',
        subject: handle,
        details: { accountId, unitsRetired: units },
      }),
    );
  }

  private leave(
    accountId: string,
    status: 'withdrawn' | 'expelled',
    andThen: (manager: EntityManager, unitsRetired: number) => Promise<void>,
  ): Promise<CoopMemberEntity> {
    return this.members.transaction(async (manager) => {
      const member = await this.members.transition(manager, accountId, ADMITTED, { status, withdrawnAt: new Date() });
      if (!member) throw new CoopServiceException(CoopServiceErrorCode.NotAMember, 'Not a member in good standing');
      await this.redeemShare(manager, member);
      await andThen(manager, await this.retireUnits(manager, accountId));
      this.logger.log({ msg: `member ${status}`, accountId });
      return member;
    });
  }

  private redeemShare(manager: EntityManager, member: CoopMemberEntity): Promise<boolean> {
    return this.ledgerService.post(manager, {
      key: `redeem-share:${member.accountId}`,
      ledger: 'money',
      periodId: null,
      lines: [
        { account: MoneyAccount.MembershipShares, memberId: member.accountId, amount: member.sharePaidCents },
        { account: MoneyAccount.RedemptionPayable, memberId: member.accountId, amount: -member.sharePaidCents },
      ],
    });
  }

  /** Retires the member's units; returns how many. */
  private async retireUnits(manager: EntityManager, accountId: string): Promise<number> {
    const vested = await this.ledger.memberUnits(manager, accountId, UnitsAccount.Vested);
    const unvested = await this.ledger.memberUnits(manager, accountId, UnitsAccount.Unvested);
    await this.ledgerService.post(manager, {
      key: `retire:${accountId}`,
      ledger: 'units',
      periodId: null,
      lines: [
        { account: UnitsAccount.Vested, memberId: accountId, amount: vested },
        { account: UnitsAccount.Unvested, memberId: accountId, amount: unvested },
        { account: UnitsAccount.Retired, memberId: accountId, amount: -(vested + unvested) },
      ],
    });
    return vested + unvested;
  }

  private async localAccountId(handle: string): Promise<string> {
    const account = await this.accounts.findByHandle(handle, { resolveRemote: false });
    if (!account || account.domain !== null) {
      throw new CoopServiceException(CoopServiceErrorCode.AccountNotFound, `No local account ${handle}`);
    }
    return account.id;
  }
}
