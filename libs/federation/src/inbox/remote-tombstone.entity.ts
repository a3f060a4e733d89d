import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A remote object id that was deleted: a Create arriving after (or replayed after) its Delete
 * stays deleted, and a Delete that arrives before its Create is remembered.
 */
@Entity('remote_tombstones')
export class RemoteTombstoneEntity {
  @PrimaryColumn({ type: 'text' })
  uri: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  deletedAt: Date;
}
