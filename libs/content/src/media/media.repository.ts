import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RowMapper, uuidv7 } from '@guildhall/core';
import { DataSource, type EntityManager, In, IsNull } from 'typeorm';
import { MediaAttachmentEntity } from './media-attachment.entity';
import type { RemoteMediaData } from './remote-media';

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
    return repository.save(repository.create({ ...media, postId: null, position: 0, remoteUrl: null, blurhash: null }));
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

  /** Every local upload's storage key, read in the caller's transaction (a backup's snapshot). */
  async storageKeys(manager: EntityManager): Promise<string[]> {
    const rows = await manager.query<{ storage_key: string }[]>(
      `SELECT storage_key FROM media_attachments WHERE storage_key IS NOT NULL ORDER BY storage_key`,
    );
    return rows.map((row) => row.storage_key);
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

  /**
   * Makes `items` a remote post's media, in order, inside the caller's transaction (the post's
   * row is locked by it): an attachment whose URL was there already keeps its id (and is updated),
   * new ones are inserted, the others deleted. Uploads (rows with bytes here) are never touched.
   */
  async replaceRemote(
    manager: EntityManager,
    accountId: string,
    postId: string,
    items: RemoteMediaData[],
  ): Promise<void> {
    const repository = manager.getRepository(MediaAttachmentEntity);
    const existing = await repository.find({ where: { postId, storageKey: IsNull() }, order: { position: 'ASC' } });
    const byUrl = new Map<string, MediaAttachmentEntity[]>();
    for (const row of existing) byUrl.set(row.remoteUrl!, [...(byUrl.get(row.remoteUrl!) ?? []), row]);
    const kept = new Set<string>();
    for (const [position, item] of items.entries()) {
      const fields = {
        position,
        mimeType: item.mimeType,
        altText: item.altText,
        blurhash: item.blurhash,
        width: item.width,
        height: item.height,
      };
      const same = byUrl.get(item.url)?.shift();
      if (same) {
        kept.add(same.id);
        await repository.update({ id: same.id }, fields);
      } else {
        await repository.insert({
          id: uuidv7(),
          accountId,
          postId,
          remoteUrl: item.url,
          storageKey: null,
          byteSize: null,
          ...fields,
        });
      }
    }
    const gone = existing.filter((row) => !kept.has(row.id)).map((row) => row.id);
    if (gone.length) await repository.delete({ id: In(gone) });
  }
}
