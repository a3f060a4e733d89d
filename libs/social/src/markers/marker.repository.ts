import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type Repository } from 'typeorm';
import { MarkerEntity } from './marker.entity';

@Injectable()
export class MarkerRepository {
  private readonly repository: Repository<MarkerEntity>;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.repository = dataSource.getRepository(MarkerEntity);
  }

  find(accountId: string, timelines: readonly string[]): Promise<MarkerEntity[]> {
    return this.repository.findBy({ accountId, timeline: In([...timelines]) });
  }

  /** Sets a marker, starting at version 1 and incrementing from there, in one statement. */
  async save(accountId: string, timeline: string, lastReadId: string): Promise<void> {
    await this.repository.query(
      `INSERT INTO mastodon_markers (account_id, timeline, last_read_id, version, updated_at)
       VALUES ($1, $2, $3, 1, now())
       ON CONFLICT (account_id, timeline)
       DO UPDATE SET last_read_id = EXCLUDED.last_read_id, version = mastodon_markers.version + 1, updated_at = now()`,
      [accountId, timeline, lastReadId],
    );
  }
}
