import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Where a member stopped reading a timeline, as Mastodon apps sync it across devices. */
@Entity('mastodon_markers')
export class MarkerEntity {
  @PrimaryColumn('uuid')
  accountId: string;

  /** `home` or `notifications`. */
  @PrimaryColumn('text')
  timeline: string;

  /** An opaque id as the app sent it (a status or notification id). */
  @Column({ type: 'text' })
  lastReadId: string;

  /** Incremented on every save, so an app can tell another device moved it. */
  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
