import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { FilterEntity } from './filter.entity';

/** A word or phrase a filter matches in a post's text. */
@Entity('filter_keywords')
@Index('filter_keywords_filter_idx', ['filterId'])
export class FilterKeywordEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  filterId: string;

  @ManyToOne(() => FilterEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'filter_id' })
  filter?: FilterEntity;

  @Column({ type: 'text' })
  keyword: string;

  /** Matches only at word boundaries. */
  @Column({ type: 'boolean', default: true })
  wholeWord: boolean;
}
