import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum MediaTypeModel {
  IMAGE = 'image',
  VIDEO = 'video',
  AUDIO = 'audio',
  UNKNOWN = 'unknown',
}

registerEnumType(MediaTypeModel, {
  name: 'MediaType',
  description: 'From the MIME type: image/*, video/*, audio/*; UNKNOWN for anything else (a remote file).',
});

@ObjectType('MediaAttachment', {
  description: "An uploaded image, or a remote post's media (a link to the file on its server, not copied here).",
})
export class MediaAttachmentModel {
  @Field(() => ID)
  id: string;

  @Field(() => MediaTypeModel)
  type: MediaTypeModel;

  @Field({ description: 'Where the file is served: this server for uploads, the origin for remote media.' })
  url: string;

  @Field({
    description:
      'A preview of at most 230,400 pixels (WebP) for uploads, served under the same rule as the file; the file ' +
      'itself for remote media and for uploads older than previews.',
  })
  previewUrl: string;

  @Field(() => String, { nullable: true, description: "Remote media: the file's URL on its server; null for uploads." })
  remoteUrl: string | null;

  @Field({
    description:
      "Uploads: detected from the bytes (image/png, image/jpeg, image/gif or image/webp). Remote media: the sender's " +
      'mediaType, or application/octet-stream when it gave none.',
  })
  mimeType: string;

  @Field(() => Int, { nullable: true, description: 'In pixels; null when a remote server did not say.' })
  width: number | null;

  @Field(() => Int, { nullable: true, description: 'In pixels; null when a remote server did not say.' })
  height: number | null;

  @Field(() => Int, { nullable: true, description: 'Null for remote media (never downloaded).' })
  byteSize: number | null;

  @Field(() => String, { nullable: true, description: 'A description for people who cannot see the image.' })
  altText: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'A BlurHash placeholder (4×4 components) for uploads; for remote media, when their server sent one.',
  })
  blurhash: string | null;
}
