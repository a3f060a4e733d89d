export { SocialModule } from './social.module';
export { FollowEntity, FollowState } from './follows/follow.entity';
export { BlockEntity } from './blocks/block.entity';
export { MuteEntity } from './blocks/mute.entity';
export { NotificationEntity, NotificationType } from './notifications/notification.entity';
export { SocialException, SocialErrorCode } from './social.exception';
export { SocialGraphService, type Relationship } from './follows/social-graph.service';
export {
  RemoteFollowService,
  type FollowRef,
  type InboundFollowOutcome,
} from './follows/remote-follow.service';
export { RemoteBlockService, type BlockRef } from './blocks/remote-block.service';
export { AccountConnection } from './follows/account-connection.model';
export { RelationshipModel } from './follows/relationship.model';
export { FollowModel, FollowStateValue } from './follows/follow.model';
export { pageComplexity } from './follows/page-complexity';
export { NotificationModel, NotificationKind, NotificationConnection } from './notifications/notification.model';
export { NotificationService } from './notifications/notification.service';
export { NotificationException, NotificationErrorCode } from './notifications/notification.exception';
