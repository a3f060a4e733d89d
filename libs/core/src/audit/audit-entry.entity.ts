import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One steward action, kept for the console's audit log: who (the acting account), what (an
 * action name and its subject), when, and the action's own details. Append-only: nothing
 * updates or deletes a row.
 */
@Entity('audit_entries')
@Index('audit_entries_created_idx', ['createdAt', 'id'])
@Index('audit_entries_actor_idx', ['actorId', 'createdAt'])
export class AuditEntryEntity {
  /** A UUIDv7: time-ordered, the page cursor. */
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  /** The acting account (null: the system, e.g. a scheduled job or the CLI without an account). */
  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  /** `coop.admit`, `identity.suspend`, `federation.block_domain`, … (see AuditAction). */
  @Column({ type: 'text' })
  action: string;

  /** What it was done to, readable: a handle, a domain, a period id, a payment id. */
  @Column({ type: 'text' })
  subject: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
