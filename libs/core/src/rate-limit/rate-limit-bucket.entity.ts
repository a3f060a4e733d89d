import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A fixed-window counter, used when no Redis is configured. */
@Entity('rate_limit_bucket')
export class RateLimitBucketEntity {
  @PrimaryColumn({ type: 'text' })
  key: string;

  @Column({ type: 'integer' })
  hits: number;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;
}
