export { ContentModule } from './content.module';
export { PostEntity, Visibility } from './posts/post.entity';
export { PostEditEntity } from './posts/post-edit.entity';
export { MediaAttachmentEntity } from './media/media-attachment.entity';
export { HashtagEntity } from './tags/hashtag.entity';
export { PostHashtagEntity } from './tags/post-hashtag.entity';
export { MentionEntity } from './tags/mention.entity';
export { LikeEntity } from './engagement/like.entity';
export { BookmarkEntity } from './engagement/bookmark.entity';
export { PostModel, PostConnection, VisibilityModel } from './posts/post.model';
export { PostRepository } from './posts/post.repository';
export { PostService } from './posts/post.service';
export { RemotePostService, type RemotePostData, type RemotePostEdit } from './posts/remote-post.service';
export { visibleTo } from './posts/post-visibility';
export { PostAudienceRepository } from './posts/post-audience.repository';
export { POST_STREAM_CHANNEL, type PostStreamMessage } from './posts/post-stream.publisher';
export { toPostModel, localPostUri } from './posts/post.mapper';
export { VISIBLE_POST_BY_ID, HASHTAGS_BY_POST_ID, MENTIONS_BY_POST_ID } from './posts/post.loaders';
export { ContentException, ContentErrorCode } from './content.exception';
export { MediaService, type MediaChanges, type MediaVariant } from './media/media.service';
export type { MediaView, MediaMeta, MediaDimensions, MediaFocus } from './media/media-view';
export { parseFocus, checkFocus } from './media/media-focus';
export { MediaCapabilities, withoutMediaSecret } from './media/media-capability';
export {
  MediaReaderResolvers,
  type MediaReaderResolver,
  type SignedMediaReader,
  type SignedMediaRequest,
} from './media/media-reader.resolver';
export { MediaAttachmentModel, MediaTypeModel } from './media/media-attachment.model';
export { type RemoteMediaData, clampAltText } from './media/remote-media';
export { MAX_REMOTE_ATTACHMENTS_PER_POST } from './media/media.constants';
export { MEDIA_BY_POST_ID } from './media/media.loaders';
export {
  toMediaModel,
  toMediaView,
  mediaMeta,
  localMediaUrl,
  localMediaPreviewUrl,
  mediaTypeOf,
} from './media/media.mapper';
export { readUpload, type Upload } from './media/multipart-upload';
export { MEDIA_HTTP_STATUS } from './media/media-http-status';
export { EngagementService, type EngagementOutcome } from './engagement/engagement.service';
export { VIEWER_HAS_LIKED, VIEWER_HAS_BOOSTED, VIEWER_HAS_BOOKMARKED } from './engagement/engagement.loaders';
export { TimelineRepository, type TimelinePost, type TimelinePage } from './timelines/timeline.repository';
export { ActivityModule } from './activity/activity.module';
export { ActivityRepository, type PostActivity, type LikeActivity } from './activity/activity.repository';
