import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Remote object ids that were deleted (`remote_tombstones`). */
@Injectable()
export class RemoteTombstoneRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async remember(uri: string): Promise<void> {
    await this.dataSource.query('INSERT INTO remote_tombstones (uri) VALUES ($1) ON CONFLICT DO NOTHING', [uri]);
  }

  async isDeleted(uri: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>('SELECT 1 FROM remote_tombstones WHERE uri = $1', [uri]);
    return rows.length > 0;
  }
}
