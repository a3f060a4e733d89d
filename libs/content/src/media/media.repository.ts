import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RowMapper } from '@guildhall/core';
import { DataSource, type EntityManager, In, IsNull } from 'typeorm';
import { MediaAttachmentEntity } from './media-attachment.entity';

export type NewMedia = Pick<
  MediaAttachmentEntity,
  'id' | 'accountId' | 'mimeType' | 'byteSize' | 'width' | 'height' | 'altText' | 'storageKey'
>;

@Injectable()
export class MediaRepository {
  private readonly rows: RowMapper<MediaAttachmentEntity>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.rows = new RowMapper(dataSource, MediaAttachmentEntity);
  }

  async insert(media: NewMedia): Promise<MediaAttachmentEntity> {
    const repository = this.dataSource.getRepository(MediaAttachmentEntity);
    return repository.save(repository.create({ ...media, postId: null, position: 0, remoteUrl: null }));
  }

  findById(id: string): Promise<MediaAttachmentEntity | null> {
    return this.dataSource.getRepository(MediaAttachmentEntity).findOneBy({ id });
  }

  /** The attachments of these posts, each post's in order. */
  /** Runs for every page of posts (a DataLoader batch): plain SQL read through a RowMapper. */
  async findByPostIds(postIds: string[]): Promise<MediaAttachmentEntity[]> {
    if (!postIds.length) return [];
    const rows = await this.dataSource.query<Record<string, unknown>[]>(
      `SELECT ${this.rows.select('m', 'm_')} FROM media_attachments m
       WHERE m.post_id = ANY($1) ORDER BY m.post_id, m.position, m.id`,
      [postIds],
    );
    return rows.map((row) => this.rows.map(row, 'm_'));
  }

  async updateAltText(id: string, altText: string | null): Promise<void> {
    await this.dataSource.getRepository(MediaAttachmentEntity).update({ id }, { altText });
  }

  /** Reads and row-locks these attachments inside the caller's transaction. */
  lockByIds(manager: EntityManager, ids: string[]): Promise<MediaAttachmentEntity[]> {
    return manager
      .getRepository(MediaAttachmentEntity)
      .find({ where: { id: In(ids) }, lock: { mode: 'pessimistic_write' } });
  }

  /** Attaches unattached media to a post, in the order given; answers how many rows changed. */
  async attachToPost(manager: EntityManager, postId: string, ids: string[]): Promise<number> {
    let changed = 0;
    for (const [position, id] of ids.entries()) {
      const result = await manager
        .getRepository(MediaAttachmentEntity)
        .update({ id, postId: IsNull() }, { postId, position });
      changed += result.affected ?? 0;
    }
    return changed;
  }
}
