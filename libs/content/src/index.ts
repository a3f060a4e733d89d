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
export { PollService, type RemoteVoteOutcome } from './polls/poll.service';
export { POLL_LIMITS } from './polls/poll.constants';
export { type PollView, type RemotePollData } from './polls/poll-view';
export { type VoteForDelivery } from './polls/poll.repository';
export { PollEntity } from './polls/poll.entity';
export { PollVoteEntity } from './polls/poll-vote.entity';
export { PollModel, PollOptionModel } from './polls/poll.model';
export { CreatePollInput } from './polls/dto/create-poll.input';
export { POLL_BY_POST_ID } from './polls/poll.loaders';
export { PollJobsModule } from './polls/jobs/poll-jobs.module';
export { POLLS_QUEUE, PollJob } from './polls/jobs/poll-jobs.constants';
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
export { MEDIA_BY_POST_ID, MEDIA_VIEWS_BY_POST_ID } from './media/media.loaders';
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
export {
  EngagementService,
  type EngagementOutcome,
  type RemoteEngagement,
  type BatchOutcome,
} from './engagement/engagement.service';
export { VIEWER_HAS_LIKED, VIEWER_HAS_BOOSTED, VIEWER_HAS_BOOKMARKED } from './engagement/engagement.loaders';
export { TimelineRepository } from './timelines/timeline.repository';
export type {
  TimelinePost,
  StatusExtras,
  TimelinePage,
  TimelineFilter,
  HashtagQuery,
  AccountTimelineFilter,
} from './timelines/timeline.types';
export { type BookmarkedPost, type EngagedPage } from './engagement/engagement.repository';
export { ActivityModule } from './activity/activity.module';
export { ActivityRepository, type PostActivity, type LikeActivity } from './activity/activity.repository';
export { ConversationMarkEntity } from './conversations/conversation-mark.entity';
export { ConversationService } from './conversations/conversation.service';
export { type ConversationRow, type ConversationPage } from './conversations/conversation.repository';
export { PostIdempotencyKeyEntity } from './posts/post-idempotency-key.entity';
export { type CreatePostOptions, IDEMPOTENCY_TTL_SECONDS } from './posts/post-idempotency';
export { CreatePostInput, NOTE_MAX_LENGTH, ARTICLE_MAX_LENGTH } from './posts/dto/create-post.input';
export { UpdatePostInput } from './posts/dto/update-post.input';
export { PinnedPostEntity } from './engagement/pinned-post.entity';
export { ConversationMuteEntity } from './engagement/conversation-mute.entity';
export { PinService, MAX_PINNED_POSTS } from './engagement/pin.service';
export { ConversationMuteService } from './engagement/conversation-mute.service';
export { VIEWER_HAS_PINNED, VIEWER_HAS_MUTED } from './engagement/engagement.loaders';
export { type Engager, type IdWindow } from './engagement/engagement.repository';
export { ScheduledPostEntity, type ScheduledPostParams } from './scheduled/scheduled-post.entity';
export { ScheduledPostService } from './scheduled/scheduled-post.service';
export { ContentWorkerModule } from './scheduled/scheduled-posts.module';
export { CONTENT_QUEUE, ContentJob } from './scheduled/scheduled.constants';
export { ThreadService, type Thread } from './posts/thread.service';
export { SearchRepository } from './search/search.repository';
export { SearchLimiter } from './search/search-limiter';
export { RemotePostResolvers, type RemotePostResolver, type RemotePostLookup } from './search/remote-post.resolver';
export { ProfileService } from './profiles/profile.service';
export { UpdateProfileInput, ProfileFieldInput } from './profiles/dto/update-profile.input';
export { fieldValueText } from './profiles/profile-fields';
export {
  MAX_BIO_LENGTH,
  MAX_DISPLAY_NAME_LENGTH,
  MAX_FIELD_NAME_LENGTH,
  MAX_FIELD_VALUE_LENGTH,
  MAX_PROFILE_FIELDS,
} from './profiles/profile.constants';
export { MAX_ALT_TEXT_LENGTH } from './media/media.constants';
export { PostExportService, type ExportedPost } from './posts/post-export.service';
export { TagFollowService } from './tags/tag-follow.service';
export type { FollowedHashtag } from './tags/tag-follow.repository';
export { FollowedHashtagEntity } from './tags/followed-hashtag.entity';
export { SearchService, type SearchKind, type SearchQuery, type SearchResults } from './search/search.service';
export {
  FilterService,
  FILTERS_CHANGED_TRIGGER,
  type FiltersChangedPayload,
  type FilterInput,
  type KeywordInput,
} from './filters/filter.service';
export { FilterMatcher, type FilterResult, type PostFilter, type ReaderFilter } from './filters/filter.matcher';
export type { FilterView } from './filters/filter.repository';
export { FILTER_CONTEXTS, type FilterContext, type FilterAction, FilterEntity } from './filters/filter.entity';
export { FilterKeywordEntity } from './filters/filter-keyword.entity';
export { FilterStatusEntity } from './filters/filter-status.entity';
export { resolvePostFieldsDirectly } from './posts/post-fields.direct';
