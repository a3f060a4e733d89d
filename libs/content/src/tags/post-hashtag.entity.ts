import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { PostEntity } from '../posts/post.entity';
import { HashtagEntity } from './hashtag.entity';

@Entity('post_hashtags')
@Index('post_hashtags_tag_post_idx', ['hashtagId', 'postId'])
export class PostHashtagEntity {
  @PrimaryColumn('uuid')
  postId: string;

  @PrimaryColumn('uuid')
  hashtagId: string;

  @ManyToOne(() => PostEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'post_id' })
  post: PostEntity;

  @ManyToOne(() => HashtagEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'hashtag_id' })
  hashtag: HashtagEntity;
}
