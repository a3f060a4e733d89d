import { UseGuards } from '@nestjs/common';
import { Args, Context, Int, Mutation, Resolver } from '@nestjs/graphql';
import { AccountService } from '../accounts/account.service';
import type { UserEntity } from '../accounts/user.entity';
import type { AuthContext } from './auth-context';
import { AuthPayloadModel } from './auth-payload.model';
import { AuthService, type IssuedSession } from './auth.service';
import { clientOf, type GraphqlContext } from './client-info';
import { CurrentAuth } from './decorators/current-auth.decorator';
import { Public } from './decorators/public.decorator';
import { LogInInput } from './dto/log-in.input';
import { RefreshSessionInput } from './dto/refresh-session.input';
import { SignUpInput } from './dto/sign-up.input';
import { LocalAuthGuard, LoggedInUser } from './guards/local-auth.guard';

@Resolver(() => AuthPayloadModel)
export class AuthResolver {
  constructor(
    private readonly auth: AuthService,
    private readonly accounts: AccountService,
  ) {}

  private payload(session: IssuedSession): AuthPayloadModel {
    return { ...session, account: this.accounts.toModel(session.account) };
  }

  @Public()
  @Mutation(() => AuthPayloadModel, { description: 'Creates a local account and signs it in.' })
  async signUp(@Args('input') input: SignUpInput, @Context() context: GraphqlContext): Promise<AuthPayloadModel> {
    return this.payload(await this.auth.signUp(input, clientOf(context)));
  }

  @Public()
  @UseGuards(LocalAuthGuard)
  @Mutation(() => AuthPayloadModel, { description: 'Signs in with a username or email and a password.' })
  async logIn(
    // Validated here; the credentials themselves were checked by passport-local in the guard.
    @Args('input') _input: LogInInput,
    @LoggedInUser() user: UserEntity,
    @Context() context: GraphqlContext,
  ): Promise<AuthPayloadModel> {
    return this.payload(await this.auth.openSessionFor(user, clientOf(context)));
  }

  @Public()
  @Mutation(() => AuthPayloadModel, { description: 'Trades a refresh token for a new token pair.' })
  async refreshSession(@Args('input') input: RefreshSessionInput): Promise<AuthPayloadModel> {
    return this.payload(await this.auth.refresh(input.refreshToken));
  }

  @Mutation(() => Boolean, { description: 'Ends the session of the token in use.' })
  logOut(@CurrentAuth() auth: AuthContext): Promise<boolean> {
    return this.auth.logOut(auth);
  }

  @Mutation(() => Int, { description: 'Ends every session of the signed-in user; returns how many.' })
  logOutEverywhere(@CurrentAuth() auth: AuthContext): Promise<number> {
    return this.auth.logOutEverywhere(auth);
  }
}
