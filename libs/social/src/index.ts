export { SocialModule } from './social.module';
export { FollowEntity, FollowState } from './follows/follow.entity';
export { BlockEntity } from './blocks/block.entity';
export { MuteEntity } from './blocks/mute.entity';
export { NotificationEntity, NotificationType } from './notifications/notification.entity';
