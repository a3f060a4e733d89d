import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { PostEntity } from '../posts/post.entity';
import { FilterEntity } from './filter.entity';

/** One post a filter matches, whatever its text. */
@Entity('filter_statuses')
@Index('filter_statuses_filter_post_uq', ['filterId', 'postId'], { unique: true })
export class FilterStatusEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  filterId: string;

  @ManyToOne(() => FilterEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'filter_id' })
  filter?: FilterEntity;

  @Column({ type: 'uuid' })
  postId: string;

  @ManyToOne(() => PostEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'post_id' })
  post?: PostEntity;
}
