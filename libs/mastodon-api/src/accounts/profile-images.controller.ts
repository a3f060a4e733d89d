import { Delete } from '@nestjs/common';
import { ProfileService, UpdateProfileInput } from '@guildhall/content';
import { type AuthContext, CurrentAuth } from '@guildhall/identity';
import { MastodonController } from '../http/mastodon-controller.decorator';
import { Scope } from '../http/scopes.decorator';
import type { MastodonAccount } from '../serializers/mastodon-entities';
import { CredentialAccounts } from './credential-accounts.service';

/** `DELETE /api/v1/profile/avatar|header` (Mastodon 4.2): back to the placeholder, through ProfileService. */
@MastodonController('api/v1/profile')
export class ProfileImagesController {
  constructor(
    private readonly profiles: ProfileService,
    private readonly credentials: CredentialAccounts,
  ) {}

  @Scope('write:accounts')
  @Delete('avatar')
  async removeAvatar(@CurrentAuth() auth: AuthContext): Promise<MastodonAccount> {
    await this.profiles.update(auth.accountId, Object.assign(new UpdateProfileInput(), { avatarMediaId: null }));
    return this.credentials.render(auth.accountId);
  }

  @Scope('write:accounts')
  @Delete('header')
  async removeHeader(@CurrentAuth() auth: AuthContext): Promise<MastodonAccount> {
    await this.profiles.update(auth.accountId, Object.assign(new UpdateProfileInput(), { headerMediaId: null }));
    return this.credentials.render(auth.accountId);
  }
}
