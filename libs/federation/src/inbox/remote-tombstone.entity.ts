import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A remote object id that its actor deleted: a Create of it by that actor arriving after (or
 * replayed after) the Delete stays deleted, and a Delete that arrives before its Create is
 * remembered. Kept per actor: a Delete pre-empts only its own actor's Create, never another's
 * (the object id alone would let anyone on the host tombstone a neighbour's future post).
 */
@Entity('remote_tombstones')
export class RemoteTombstoneEntity {
  @PrimaryColumn({ type: 'text' })
  uri: string;

  /** The actor whose Delete this was ('' for tombstones kept before actors were: they pre-empt no one). */
  @PrimaryColumn({ type: 'text' })
  actorUri: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  deletedAt: Date;
}
