import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('MediaAttachment', { description: 'An uploaded image.' })
export class MediaAttachmentModel {
  @Field(() => ID)
  id: string;

  @Field({ description: 'Where the image is served: this server for uploads, the origin for remote media.' })
  url: string;

  @Field({ description: 'Detected from the bytes: image/png, image/jpeg, image/gif or image/webp.' })
  mimeType: string;

  @Field(() => Int)
  width: number;

  @Field(() => Int)
  height: number;

  @Field(() => Int)
  byteSize: number;

  @Field(() => String, { nullable: true, description: 'A description for people who cannot see the image.' })
  altText: string | null;
}
