import { Injectable, Logger } from '@nestjs/common';
import { ConfigService, DomainEvent, DomainEventBus, MarkdownRenderer } from '@guildhall/core';
import { type AccountModel, toAccountModel } from '@guildhall/identity';
import { ContentErrorCode, ContentException } from '../content.exception';
import { MediaService } from '../media/media.service';
import type { UpdateProfileInput } from './dto/update-profile.input';
import { fieldValueHtml, normalizeFields } from './profile-fields';
import { type ProfilePatch, ProfileRepository } from './profile.repository';

/** Editing one's own profile: every check first, then one write, then the event. */
@Injectable()
export class ProfileService {
  private readonly logger = new Logger(ProfileService.name);

  constructor(
    private readonly profiles: ProfileRepository,
    private readonly media: MediaService,
    private readonly markdown: MarkdownRenderer,
    private readonly events: DomainEventBus,
    private readonly config: ConfigService,
  ) {}

  async update(accountId: string, input: UpdateProfileInput): Promise<AccountModel> {
    const account = await this.profiles.findLocalAccount(accountId);
    if (!account) throw new ContentException(ContentErrorCode.InvalidProfile, 'Only local accounts have profiles here');
    const patch = await this.toPatch(accountId, input);
    const changed = Object.keys(patch).length > 0;
    if (changed) {
      await this.profiles.transaction(async (manager) => {
        await this.profiles.update(accountId, patch, manager);
        await this.events.publish(manager, DomainEvent.ProfileUpdated, { accountId, local: true });
      });
      this.logger.log({ msg: 'profile updated', accountId, fields: Object.keys(patch) });
    }
    const updated = changed ? await this.profiles.findLocalAccount(accountId) : account;
    return toAccountModel(updated ?? account, this.config.values.publicOrigin);
  }

  /** What to write; throws (and so writes nothing) on the first invalid value. */
  private async toPatch(accountId: string, input: UpdateProfileInput): Promise<ProfilePatch> {
    const patch: ProfilePatch = {};
    if (input.displayName !== undefined) patch.displayName = input.displayName?.trim() || null;
    if (input.bio !== undefined) {
      const source = input.bio?.trim() || null;
      patch.bioSource = source;
      patch.bio = source ? this.markdown.render(source) || null : null;
    }
    if (input.avatarMediaId !== undefined) {
      patch.avatarMediaId = input.avatarMediaId && (await this.media.requireOwn(accountId, input.avatarMediaId)).id;
    }
    if (input.headerMediaId !== undefined) {
      patch.headerMediaId = input.headerMediaId && (await this.media.requireOwn(accountId, input.headerMediaId)).id;
    }
    if (input.fields !== undefined) {
      patch.fields = normalizeFields(input.fields ?? [], (value) => this.markdown.sanitize(fieldValueHtml(value)));
    }
    if (input.manuallyApprovesFollowers != null) patch.manuallyApprovesFollowers = input.manuallyApprovesFollowers;
    if (input.discoverable != null) patch.discoverable = input.discoverable;
    return patch;
  }
}
