import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CurrentAuth, type AuthContext } from '@guildhall/identity';
import { HandleArgs } from '../follows/dto/handle.args';
import { BlockService } from './block.service';

/** Blocks and mutes of the signed-in account (every operation needs a token). */
@Resolver()
export class BlockResolver {
  constructor(private readonly blocks: BlockService) {}

  @Mutation(() => Boolean, {
    description: 'Blocks an account and ends follows both ways; true if it was not blocked yet.',
  })
  block(@CurrentAuth() auth: AuthContext, @Args() { handle }: HandleArgs): Promise<boolean> {
    return this.blocks.block(auth.accountId, handle);
  }

  @Mutation(() => Boolean, { description: 'true if the account was blocked.' })
  unblock(@CurrentAuth() auth: AuthContext, @Args() { handle }: HandleArgs): Promise<boolean> {
    return this.blocks.unblock(auth.accountId, handle);
  }

  @Mutation(() => Boolean, {
    description: "Hides an account's posts from your timelines and notifications; true if it was not muted yet.",
  })
  mute(@CurrentAuth() auth: AuthContext, @Args() { handle }: HandleArgs): Promise<boolean> {
    return this.blocks.mute(auth.accountId, handle);
  }

  @Mutation(() => Boolean, { description: 'true if the account was muted.' })
  unmute(@CurrentAuth() auth: AuthContext, @Args() { handle }: HandleArgs): Promise<boolean> {
    return this.blocks.unmute(auth.accountId, handle);
  }
}
