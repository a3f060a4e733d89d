import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { AccountModel, type AuthContext, CurrentAuth } from '@guildhall/identity';
import { UpdateProfileInput } from './dto/update-profile.input';
import { ProfileService } from './profile.service';

@Resolver(() => AccountModel)
export class ProfileResolver {
  constructor(private readonly profiles: ProfileService) {}

  @Mutation(() => AccountModel, { description: "Edits the viewer's profile; fields left out stay as they are." })
  updateProfile(@CurrentAuth() auth: AuthContext, @Args('input') input: UpdateProfileInput): Promise<AccountModel> {
    return this.profiles.update(auth.accountId, input);
  }
}
