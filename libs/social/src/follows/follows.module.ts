import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BlockEntity } from '../blocks/block.entity';
import { BlockRepository } from '../blocks/block.repository';
import { BlockResolver } from '../blocks/block.resolver';
import { BlockService } from '../blocks/block.service';
import { AccountDomainBlockEntity } from '../blocks/domain-block.entity';
import { DomainBlockRepository } from '../blocks/domain-block.repository';
import { DomainBlockService } from '../blocks/domain-block.service';
import { MuteEntity } from '../blocks/mute.entity';
import { MuteRepository } from '../blocks/mute.repository';
import { AccountDirectory } from './account-directory.service';
import { AccountSocialResolver } from './account-social.resolver';
import { FollowEntity } from './follow.entity';
import { FollowRateLimit } from './follow-rate-limit.service';
import { FollowPageRepository } from './follow-page.repository';
import { FollowRepository } from './follow.repository';
import { FollowResolver } from './follow.resolver';
import { FollowService } from './follow.service';
import { RelationshipRepository } from './relationship.repository';
import { SocialGraphService } from './social-graph.service';
import { SocialLoaders } from './social.loaders';

/** Follows, follow requests, blocks and mutes (the social graph). */
@Module({
  imports: [TypeOrmModule.forFeature([FollowEntity, BlockEntity, MuteEntity, AccountDomainBlockEntity])],
  providers: [
    FollowRepository,
    FollowPageRepository,
    BlockRepository,
    MuteRepository,
    RelationshipRepository,
    AccountDirectory,
    FollowRateLimit,
    FollowService,
    BlockService,
    SocialGraphService,
    SocialLoaders,
    FollowResolver,
    BlockResolver,
    AccountSocialResolver,
    DomainBlockRepository,
    DomainBlockService,
  ],
  exports: [SocialGraphService, FollowService, BlockService, DomainBlockService],
})
export class FollowsModule {}
