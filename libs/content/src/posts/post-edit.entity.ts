import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { PostEntity } from './post.entity';

/** A previous version of a post, saved when the post was edited. */
@Entity('post_edits')
@Index('post_edits_post_idx', ['postId', 'id'])
export class PostEditEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  postId: string;

  @ManyToOne(() => PostEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'post_id' })
  post: PostEntity;

  @Column({ type: 'text', nullable: true })
  title: string | null;

  @Column({ type: 'text', nullable: true })
  source: string | null;

  @Column({ type: 'text' })
  content: string;

  @Column({ type: 'text', nullable: true })
  summary: string | null;

  @Column({ type: 'text', nullable: true })
  contentWarning: string | null;

  /** The poll's options in this version; null when it had no poll (or was saved before they were kept). */
  @Column({ type: 'text', array: true, nullable: true })
  pollOptions: string[] | null;

  /** When this version was published (the post's createdAt or the previous edit). */
  @Column({ type: 'timestamptz' })
  createdAt: Date;
}
