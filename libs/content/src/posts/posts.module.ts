import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SocialModule } from '@guildhall/social';
import { HashtagEntity } from '../tags/hashtag.entity';
import { MentionEntity } from '../tags/mention.entity';
import { PostHashtagEntity } from '../tags/post-hashtag.entity';
import { PostEditEntity } from './post-edit.entity';
import { PostEntity } from './post.entity';

/** Posts and articles: writing, editing, deleting, threads, tags, mentions and who may see what. */
@Module({
  imports: [
    TypeOrmModule.forFeature([PostEntity, PostEditEntity, HashtagEntity, PostHashtagEntity, MentionEntity]),
    SocialModule,
  ],
  providers: [],
  exports: [],
})
export class PostsModule {}
