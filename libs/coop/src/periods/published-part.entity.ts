import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The text of a closed period's published snapshot, in parts of a few MB, `n` from 0 (ADR 0069):
 * joined in order they are exactly what JSON.stringify gave for the snapshot the close ran. A close
 * writes them as it stringifies the snapshot, so neither it nor the server ever holds the whole
 * text as one value (a hundred MB at a million events; PostgreSQL caps one value at 1 GB).
 * Periods closed before ADR 0069 have none: their `published_snapshot` holds the whole document.
 */
@Entity('coop_published_parts')
export class PublishedPartEntity {
  @PrimaryColumn('text')
  periodId: string;

  @PrimaryColumn('integer')
  n: number;

  @Column({ type: 'text' })
  part: string;
}
