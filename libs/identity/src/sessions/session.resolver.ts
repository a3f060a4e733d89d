import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { AuthContext } from '../auth/auth-context';
import { AuthService } from '../auth/auth.service';
import { CurrentAuth } from '../auth/decorators/current-auth.decorator';
import { SessionModel } from './session.model';

/** The signed-in member's own sessions: list them, end one, end the others. */
@Resolver(() => SessionModel)
export class SessionResolver {
  constructor(private readonly auth: AuthService) {}

  @Query(() => [SessionModel], { description: 'Your signed-in sessions (not apps), last used first.' })
  async sessions(@CurrentAuth() auth: AuthContext): Promise<SessionModel[]> {
    const sessions = await this.auth.listSessions(auth);
    return sessions.map((session) => ({ ...session, current: session.id === auth.sessionId }));
  }

  @Mutation(() => Boolean, {
    description: 'Ends one of your sessions; SESSION_NOT_FOUND (NOT_FOUND) for any other id.',
  })
  async endSession(@CurrentAuth() auth: AuthContext, @Args('id', { type: () => ID }) id: string): Promise<boolean> {
    await this.auth.endSession(auth, id);
    return true;
  }

  @Mutation(() => Int, {
    description: 'Ends every other session of yours (this one stays, apps keep their access); returns how many.',
  })
  logOutOtherSessions(@CurrentAuth() auth: AuthContext): Promise<number> {
    return this.auth.logOutOthers(auth);
  }
}
