import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { type Connection, encodeCursor } from '@guildhall/core';
import { CurrentAuth, Role, Roles, type AuthContext } from '@guildhall/identity';
import type { CoopMemberEntity } from './coop-member.entity';
import { CoopMemberListingConnection, type CoopMemberListingModel, CoopMemberModel } from './coop-member.model';
import type { CoopMemberRow } from './coop-member.repository';
import { CoopMembersArgs } from './dto/coop-members.args';
import { MembershipService } from './membership.service';

const toModel = (m: CoopMemberEntity): CoopMemberModel => ({
  accountId: m.accountId,
  status: m.status,
  appliedAt: m.appliedAt,
  joinedAt: m.joinedAt,
  withdrawnAt: m.withdrawnAt,
  sharePaidCents: m.sharePaidCents,
});

const toListing = (row: CoopMemberRow): CoopMemberListingModel => ({
  accountId: row.accountId,
  handle: row.handle,
  status: row.status,
  appliedAt: row.appliedAt,
  joinedAt: row.joinedAt,
  vested: row.vested,
  unvested: row.unvested,
});

/** Accounts apply and withdraw; admins admit and expel; stewards list the memberships. */
@Resolver(() => CoopMemberModel)
export class MembershipResolver {
  constructor(private readonly membership: MembershipService) {}

  @Query(() => CoopMemberModel, { nullable: true, description: "The viewer's membership; null if it never applied." })
  async coopMembership(@CurrentAuth() auth: AuthContext): Promise<CoopMemberModel | null> {
    const member = await this.membership.find(auth.accountId);
    return member ? toModel(member) : null;
  }

  @Roles(Role.Moderator, Role.Admin)
  @Query(() => CoopMemberListingConnection, {
    description: 'Memberships (applications included), in sign-up order, filtered by status; for stewards.',
  })
  async coopMembers(@Args() args: CoopMembersArgs): Promise<Connection<CoopMemberListingModel>> {
    const page = await this.membership.list(args.status ?? undefined, args.first, args.after);
    const edges = page.items.map((row) => ({ cursor: encodeCursor(row.accountId), node: toListing(row) }));
    return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  @Mutation(() => CoopMemberModel, { description: 'Applies for membership; pending until an admin admits it.' })
  async applyForMembership(@CurrentAuth() auth: AuthContext): Promise<CoopMemberModel> {
    return toModel(await this.membership.apply(auth.accountId));
  }

  @Mutation(() => CoopMemberModel, {
    description:
      'Leaves the cooperative: units retired, share redeemed at par (paid by the next payout run), capital ' +
      'vintages redeemed on the revolving schedule (each paid, in any amount, when its vintage revolves).',
  })
  async withdrawMembership(@CurrentAuth() auth: AuthContext): Promise<CoopMemberModel> {
    return toModel(await this.membership.withdraw(auth.accountId));
  }

  @Roles(Role.Admin)
  @Mutation(() => CoopMemberModel, { description: 'Admits a pending applicant (its share paid in at par).' })
  async admitMember(@CurrentAuth() auth: AuthContext, @Args('handle') handle: string): Promise<CoopMemberModel> {
    return toModel(await this.membership.admit(handle, auth.accountId));
  }

  @Roles(Role.Admin)
  @Mutation(() => CoopMemberModel, {
    description:
      'Expels a member: units retired, share redeemed at par, capital vintages redeemed on the revolving schedule.',
  })
  async expelMember(@CurrentAuth() auth: AuthContext, @Args('handle') handle: string): Promise<CoopMemberModel> {
    return toModel(await this.membership.expel(handle, auth.accountId));
  }
}
