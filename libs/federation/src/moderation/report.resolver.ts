import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { ConfigService, listComplexity, toConnection, type Connection, type RequestLoaders } from '@guildhall/core';
import { PostModel, toPostModel } from '@guildhall/content';
import {
  ACCOUNT_BY_ID,
  AccountModel,
  AccountService,
  CurrentAuth,
  Role,
  Roles,
  type AuthContext,
} from '@guildhall/identity';
import { pageComplexity } from '@guildhall/social';
import { MAX_REPORTED_POSTS, ReportInput } from './dto/report.input';
import { ReportsArgs } from './dto/reports.args';
import { ResolveReportArgs } from './dto/resolve-report.args';
import { REPORTED_POST_BY_ID } from './report.loaders';
import { toReportModel } from './report.mapper';
import { ReportConnection, ReportModel } from './report.model';
import { ReportService } from './report.service';

/** Members file reports; moderators and admins read and resolve them. */
@Resolver(() => ReportModel)
export class ReportResolver {
  constructor(
    private readonly service: ReportService,
    private readonly accounts: AccountService,
    private readonly config: ConfigService,
  ) {}

  @Mutation(() => ReportModel, { description: 'Reports an account (and some of its posts) to the moderators.' })
  async report(@CurrentAuth() auth: AuthContext, @Args('input') input: ReportInput): Promise<ReportModel> {
    return toReportModel(await this.service.report(auth, input));
  }

  @Roles(Role.Moderator, Role.Admin)
  @Query(() => ReportConnection, { description: 'Reports, newest first.', complexity: pageComplexity })
  async reports(@Args() args: ReportsArgs): Promise<Connection<ReportModel>> {
    return toConnection(await this.service.page(args), toReportModel);
  }

  @Roles(Role.Moderator, Role.Admin)
  @Mutation(() => ReportModel, { description: 'Closes an open report, dismissing it or suspending its account.' })
  async resolveReport(@CurrentAuth() auth: AuthContext, @Args() args: ResolveReportArgs): Promise<ReportModel> {
    return toReportModel(await this.service.resolve(auth, args.id.toLowerCase(), args.action));
  }

  @ResolveField(() => AccountModel, { nullable: true, description: 'The account reported; null once it is gone.' })
  targetAccount(
    @Parent() report: ReportModel,
    @Context('loaders') loaders: RequestLoaders,
  ): Promise<AccountModel | null> {
    return this.account(report.targetAccountId, loaders);
  }

  @ResolveField(() => AccountModel, {
    nullable: true,
    description: "Who reported: a member, or a remote server's actor; null when unknown.",
  })
  reporter(@Parent() report: ReportModel, @Context('loaders') loaders: RequestLoaders): Promise<AccountModel | null> {
    return this.account(report.reporterId, loaders);
  }

  @ResolveField(() => AccountModel, { nullable: true, description: 'The moderator who resolved it.' })
  resolvedBy(@Parent() report: ReportModel, @Context('loaders') loaders: RequestLoaders): Promise<AccountModel | null> {
    return this.account(report.resolvedById, loaders);
  }

  @ResolveField(() => [PostModel], {
    description: 'The reported posts, whatever their visibility (deleted ones left out).',
    complexity: listComplexity(MAX_REPORTED_POSTS),
  })
  async posts(@Parent() report: ReportModel, @Context('loaders') loaders: RequestLoaders): Promise<PostModel[]> {
    const origin = this.config.values.publicOrigin;
    const posts = await loaders.get(REPORTED_POST_BY_ID).loadMany(report.postIds);
    return posts.flatMap((post) => (post && !(post instanceof Error) ? [toPostModel(post, origin)] : []));
  }

  private async account(id: string | null, loaders: RequestLoaders): Promise<AccountModel | null> {
    const account = id ? await loaders.get(ACCOUNT_BY_ID).load(id) : null;
    return account ? this.accounts.toModel(account) : null;
  }
}
