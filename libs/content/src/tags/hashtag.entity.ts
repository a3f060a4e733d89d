import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity('hashtags')
@Index('hashtags_name_uq', ['name'], { unique: true })
export class HashtagEntity {
  @PrimaryColumn('uuid')
  id: string;

  /** Lower-cased, without "#". */
  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
