export { SocialModule } from './social.module';
export { FollowEntity, FollowState } from './follows/follow.entity';
export { BlockEntity } from './blocks/block.entity';
export { MuteEntity } from './blocks/mute.entity';
export { NotificationEntity, NotificationType } from './notifications/notification.entity';
export { SocialException, SocialErrorCode } from './social.exception';
export { SocialGraphService, type Relationship } from './follows/social-graph.service';
export { FollowService, type FollowOutcome, type FollowParty, type FollowRef } from './follows/follow.service';
export type { FollowOptions } from './follows/follow.repository';
export { BlockService, MAX_MUTE_SECONDS, type MuteOptions } from './blocks/block.service';
export { muteInForce } from './blocks/mute-in-force';
export { AccountConnection } from './follows/account-connection.model';
export { RelationshipModel } from './follows/relationship.model';
export { FollowModel, FollowStateValue } from './follows/follow.model';
export { pageComplexity } from './follows/page-complexity';
export { NotificationModel, NotificationKind, NotificationConnection } from './notifications/notification.model';
export { NotificationService, type NotificationSilencer } from './notifications/notification.service';
export { NotificationInbox } from './notifications/notification-inbox.service';
export type {
  IdBound,
  NotificationGroupRef,
  NotificationGroupSummary,
  NotificationListFilter,
} from './notifications/notification.repository';
export { notificationChannel, type NotificationMessage } from './notifications/notification.mapper';
export { NotificationException, NotificationErrorCode } from './notifications/notification.exception';
export { ListEntity, ListRepliesPolicy } from './lists/list.entity';
export { ListAccountEntity } from './lists/list-account.entity';
export { ListService, MAX_LISTS_PER_ACCOUNT, type ListChanges } from './lists/list.service';
export { type ListMember, type ListMembersPage } from './lists/list.repository';
export { ListModel, ListRepliesPolicyValue } from './lists/list.model';
export { DomainBlockService } from './blocks/domain-block.service';
export { AccountDomainBlockEntity } from './blocks/domain-block.entity';
export { VIEWER_RELATIONSHIP } from './follows/social.loaders';
export type { IdPage } from './paging/id-page';
export { MarkerService, MARKER_TIMELINES, type MarkerTimeline } from './markers/marker.service';
export type { MarkerEntity } from './markers/marker.entity';
