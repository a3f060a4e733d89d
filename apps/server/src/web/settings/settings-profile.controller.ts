import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ConfigService } from '@guildhall/core';
import {
  fieldValueText,
  MAX_PROFILE_FIELDS,
  MediaService,
  ProfileService,
  UpdateProfileInput,
} from '@guildhall/content';
import { type AccountEntity, Public } from '@guildhall/identity';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { field } from '../../pages/oauth/oauth-page';
import { type FormBody, WebApp } from '../web-app';
import type { MemberContext } from '../web-context';
import {
  altTextError,
  draftFromForm,
  type FieldErrors,
  type PicturesForm,
  PicturesFormError,
  type ProfileDraft,
  readPicturesForm,
  toProfileInput,
} from './profile-form';
import { type CurrentPicture, profilePageBody, type ProfilePageInput } from './settings-profile.template';

type Kind = 'avatar' | 'header';
const KINDS: readonly Kind[] = ['avatar', 'header'];

function draftOf(account: AccountEntity): ProfileDraft {
  const stored = account.fields ?? [];
  return {
    displayName: account.displayName ?? '',
    bio: account.bioSource ?? '',
    locked: account.manuallyApprovesFollowers,
    discoverable: account.discoverable,
    fields: Array.from({ length: MAX_PROFILE_FIELDS }, (_, i) => ({
      name: stored[i]?.name ?? '',
      value: stored[i] ? fieldValueText(stored[i].value) : '',
    })),
  };
}

/**
 * `/settings`: the member's profile (name, bio, fields, approving followers) and pictures
 * (avatar, header, their descriptions), through the content lib's ProfileService and
 * MediaService — the same operations as GraphQL updateProfile and Mastodon's update_credentials.
 */
@Controller('settings')
export class SettingsProfileController {
  constructor(
    private readonly web: WebApp,
    private readonly profiles: ProfileService,
    private readonly media: MediaService,
    private readonly config: ConfigService,
  ) {}

  @Public()
  @Get()
  async page(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const ctx = await this.web.context(request, reply);
    if (!this.web.isMember(ctx)) return this.web.signInFirst(reply, ctx);
    return this.render(reply, ctx, 200, { draft: draftOf(ctx.signedIn.account), errors: {} });
  }

  @Public()
  @Post('profile')
  async saveProfile(
    @Body() body: FormBody,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const ctx = await this.web.context(request, reply);
    if (!this.web.isMember(ctx)) return this.web.signInFirst(reply, ctx);
    if (!this.web.acceptsForm(request, ctx, body)) return this.web.formExpired(reply, ctx);
    const draft = draftFromForm(body);
    const { input, errors } = await toProfileInput(draft);
    if (Object.keys(errors).length) {
      return this.render(reply, ctx, 422, { draft, errors, profileError: 'Check the fields marked below.' });
    }
    try {
      await this.profiles.update(ctx.signedIn.account.id, input);
    } catch (error) {
      const shown = this.web.refusal(error);
      if (!shown) throw error;
      return this.render(reply, ctx, shown.status, { draft, errors, profileError: shown.message });
    }
    return this.web.redirect(reply, '/settings', 'Profile saved.');
  }

  /** The multipart pictures form: new images go through MediaService.upload (its checks and rate limit). */
  @Public()
  @Post('pictures')
  async savePictures(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const ctx = await this.web.context(request, reply);
    if (!this.web.isMember(ctx)) return this.web.signInFirst(reply, ctx);
    let form: PicturesForm;
    try {
      form = await readPicturesForm(request, this.config.values.mediaMaxBytes);
    } catch (error) {
      if (!(error instanceof PicturesFormError)) throw error;
      return this.renderCurrent(reply, ctx, error.status, { picturesError: error.message });
    }
    if (!this.web.acceptsForm(request, ctx, { authenticity_token: form.token }))
      return this.web.formExpired(reply, ctx);
    const pictureErrors: FieldErrors = {};
    for (const kind of KINDS) {
      const problem = altTextError(kind === 'avatar' ? form.avatarDescription : form.headerDescription);
      if (problem) pictureErrors[`${kind}_description`] = problem;
    }
    if (Object.keys(pictureErrors).length) {
      return this.renderCurrent(reply, ctx, 422, {
        picturesError: 'Check the fields marked below.',
        pictureErrors,
        typedDescriptions: { avatar: form.avatarDescription, header: form.headerDescription },
      });
    }
    const accountId = ctx.signedIn.account.id;
    const account = ctx.signedIn.account;
    const change = new UpdateProfileInput();
    try {
      for (const kind of KINDS) {
        const bytes = form[kind];
        const description = (kind === 'avatar' ? form.avatarDescription : form.headerDescription).trim() || null;
        const currentId = kind === 'avatar' ? account.avatarMediaId : account.headerMediaId;
        if (bytes) {
          await this.media.checkUploadRate(accountId);
          const uploaded = await this.media.upload(accountId, bytes, description);
          if (kind === 'avatar') change.avatarMediaId = uploaded.id;
          else change.headerMediaId = uploaded.id;
        } else if (currentId) {
          await this.media.updateAltText(accountId, currentId, description);
        }
      }
      await this.profiles.update(accountId, change);
    } catch (error) {
      const shown = this.web.refusal(error);
      if (!shown) throw error;
      return this.renderCurrent(reply, ctx, shown.status, { picturesError: shown.message });
    }
    return this.web.redirect(reply, '/settings', 'Pictures saved.');
  }

  /** Back to the placeholder picture, after the confirmation step. */
  @Public()
  @Post('pictures/remove')
  async removePicture(
    @Body() body: FormBody,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const ctx = await this.web.context(request, reply);
    if (!this.web.isMember(ctx)) return this.web.signInFirst(reply, ctx);
    if (!this.web.acceptsForm(request, ctx, body)) return this.web.formExpired(reply, ctx);
    const kind = field(body, 'kind');
    if (kind !== 'avatar' && kind !== 'header') {
      return this.renderCurrent(reply, ctx, 422, { picturesError: 'Choose the avatar or the header to remove.' });
    }
    if (!this.web.confirmed(body)) {
      return this.web.confirm(reply, ctx, {
        section: 'settings',
        title: `Remove your ${kind}?`,
        question: `Your profile will show the default ${kind} instead, here and on other servers once they update.`,
        action: '/settings/pictures/remove',
        fields: { kind },
        confirmLabel: `Remove ${kind}`,
        cancelHref: '/settings',
      });
    }
    const change = new UpdateProfileInput();
    if (kind === 'avatar') change.avatarMediaId = null;
    else change.headerMediaId = null;
    await this.profiles.update(ctx.signedIn.account.id, change);
    return this.web.redirect(reply, '/settings', kind === 'avatar' ? 'Avatar removed.' : 'Header removed.');
  }

  private async currentPicture(accountId: string, mediaId: string | null): Promise<CurrentPicture | null> {
    if (!mediaId) return null;
    try {
      const media = await this.media.requireOwn(accountId, mediaId);
      return { mediaId, description: media.altText };
    } catch (error) {
      if (this.web.refusal(error)) return null;
      throw error;
    }
  }

  private renderCurrent(
    reply: FastifyReply,
    ctx: MemberContext,
    status: number,
    extra: Partial<ProfilePageInput>,
  ): Promise<FastifyReply> {
    return this.render(reply, ctx, status, { draft: draftOf(ctx.signedIn.account), errors: {}, ...extra });
  }

  private async render(
    reply: FastifyReply,
    ctx: MemberContext,
    status: number,
    input: Omit<ProfilePageInput, 'avatar' | 'header' | 'maxBytes'>,
  ): Promise<FastifyReply> {
    const account = ctx.signedIn.account;
    const [avatar, header] = await Promise.all([
      this.currentPicture(account.id, account.avatarMediaId),
      this.currentPicture(account.id, account.headerMediaId),
    ]);
    return this.web.send(reply, ctx, {
      status,
      title: 'Profile settings',
      section: 'settings',
      body: profilePageBody(ctx, {
        ...input,
        avatar,
        header,
        maxBytes: this.config.values.mediaMaxBytes,
      }),
    });
  }
}
