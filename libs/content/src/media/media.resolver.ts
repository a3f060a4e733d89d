import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { type AuthContext, CurrentAuth } from '@guildhall/identity';
import { UpdateMediaAttachmentArgs } from './dto/update-media-attachment.args';
import { MediaAttachmentModel } from './media-attachment.model';
import { MediaService } from './media.service';

/** Uploads go through REST (POST /api/v1/media); describing them is GraphQL. Members only. */
@Resolver(() => MediaAttachmentModel)
export class MediaResolver {
  constructor(private readonly media: MediaService) {}

  @Mutation(() => MediaAttachmentModel, {
    description: "Sets or clears the description of one of the viewer's uploads.",
  })
  async updateMediaAttachment(
    @CurrentAuth() auth: AuthContext,
    @Args() { id, altText }: UpdateMediaAttachmentArgs,
  ): Promise<MediaAttachmentModel> {
    return this.media.toModel(await this.media.updateAltText(auth.accountId, id, altText ?? null));
  }
}
