import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Remote object ids that their actors deleted (`remote_tombstones`). */
@Injectable()
export class RemoteTombstoneRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async remember(uri: string, actorUri: string): Promise<void> {
    await this.dataSource.query(
      'INSERT INTO remote_tombstones (uri, actor_uri) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [uri, actorUri],
    );
  }

  /** Whether `actorUri` deleted `uri` (another actor's Delete of the same id does not count). */
  async isDeletedBy(uri: string, actorUri: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      'SELECT 1 FROM remote_tombstones WHERE uri = $1 AND actor_uri = $2',
      [uri, actorUri],
    );
    return rows.length > 0;
  }
}
