export { ContentModule } from './content.module';
export { PostEntity, Visibility } from './posts/post.entity';
export { PostEditEntity } from './posts/post-edit.entity';
export { MediaAttachmentEntity } from './media/media-attachment.entity';
export { HashtagEntity } from './tags/hashtag.entity';
export { PostHashtagEntity } from './tags/post-hashtag.entity';
export { MentionEntity } from './tags/mention.entity';
export { LikeEntity } from './engagement/like.entity';
export { BookmarkEntity } from './engagement/bookmark.entity';
