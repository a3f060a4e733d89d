import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RowMapper, uuidv7 } from '@guildhall/core';
import { DataSource, type EntityManager, In, IsNull, Not } from 'typeorm';
import { MediaAttachmentEntity } from './media-attachment.entity';
import { visibleTo } from '../posts/post-visibility';
import type { RemoteMediaData } from './remote-media';

/** An upload as GET /media/:id may serve it to one reader. */
export interface ServableMedia {
  media: MediaAttachmentEntity;
  /** Everyone may see it (a public or unlisted post's, an avatar or header): shared caches may keep it. */
  public: boolean;
}

export type NewMedia = Pick<
  MediaAttachmentEntity,
  | 'id'
  | 'accountId'
  | 'mimeType'
  | 'byteSize'
  | 'width'
  | 'height'
  | 'altText'
  | 'storageKey'
  | 'blurhash'
  | 'previewStorageKey'
  | 'previewWidth'
  | 'previewHeight'
  | 'previewByteSize'
  | 'focusX'
  | 'focusY'
>;

/** What the owner may change of an unattached upload (undefined: unchanged). */
export interface MediaDescription {
  altText?: string | null;
  focusX?: number | null;
  focusY?: number | null;
}

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

  /** `accountId`'s upload `id` if it is not attached to a post yet. */
  findUnattachedUpload(accountId: string, id: string): Promise<MediaAttachmentEntity | null> {
    return this.dataSource
      .getRepository(MediaAttachmentEntity)
      .findOneBy({ id, accountId, postId: IsNull(), storageKey: Not(IsNull()) });
  }

  /**
   * Changes `accountId`'s upload `id` if it is still unattached (checked in the UPDATE itself, so
   * an attachment made meanwhile wins); answers the row as changed, or null.
   */
  async describeUnattached(
    accountId: string,
    id: string,
    fields: MediaDescription,
  ): Promise<MediaAttachmentEntity | null> {
    const repository = this.dataSource.getRepository(MediaAttachmentEntity);
    const where = { id, accountId, postId: IsNull(), storageKey: Not(IsNull()) };
    if (Object.keys(fields).length) {
      const result = await repository.update(where, fields);
      if (!result.affected) return null;
    }
    return repository.findOneBy(where);
  }

  /**
   * Upload `id` if `viewerId` (null: anonymous) may see it: its post's media under the post's
   * visibility rule; the owner's avatar and header to everyone; an unattached upload to its owner
   * only; nothing of a suspended owner's (ADR 0019).
   */
  async findServable(id: string, viewerId: string | null): Promise<ServableMedia | null> {
    const visible = visibleTo('p', viewerId);
    const everyone = visibleTo('p', null);
    const profileImage = '(owner.avatar_media_id = m.id OR owner.header_media_id = m.id)';
    const row = await this.dataSource
      .getRepository(MediaAttachmentEntity)
      .createQueryBuilder('m')
      .innerJoin('accounts', 'owner', 'owner.id = m.account_id AND owner.suspended_at IS NULL')
      .leftJoin('posts', 'p', 'p.id = m.post_id')
      .addSelect(`(${profileImage} OR (p.id IS NOT NULL AND ${everyone.sql}))`, 'servable_public')
      .where('m.id = :id AND m.storage_key IS NOT NULL', { id })
      .andWhere(
        `(${profileImage}
          OR (m.post_id IS NULL AND m.account_id = :owner)
          OR (p.id IS NOT NULL AND ${visible.sql}))`,
        { ...visible.params, owner: viewerId },
      )
      .getRawAndEntities<{ servable_public: boolean }>();
    const media = row.entities[0];
    return media ? { media, public: row.raw[0].servable_public } : null;
  }

  /**
   * Upload `id` as a capability URL may serve it, whoever asks (ADR 0025): an attachment of a
   * living post, or its owner's avatar or header; never an unattached upload, nothing of a
   * suspended owner's. Visibility is not asked: holding the URL is the permission.
   */
  async findAttached(id: string): Promise<ServableMedia | null> {
    const everyone = visibleTo('p', null);
    const profileImage = '(owner.avatar_media_id = m.id OR owner.header_media_id = m.id)';
    const row = await this.dataSource
      .getRepository(MediaAttachmentEntity)
      .createQueryBuilder('m')
      .innerJoin('accounts', 'owner', 'owner.id = m.account_id AND owner.suspended_at IS NULL')
      .leftJoin('posts', 'p', 'p.id = m.post_id')
      .addSelect(`(${profileImage} OR (p.id IS NOT NULL AND ${everyone.sql}))`, 'servable_public')
      .where('m.id = :id AND m.storage_key IS NOT NULL', { id })
      .andWhere(`(${profileImage} OR (p.id IS NOT NULL AND p.deleted_at IS NULL))`)
      .getRawAndEntities<{ servable_public: boolean }>();
    const media = row.entities[0];
    return media ? { media, public: row.raw[0].servable_public } : null;
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

  /**
   * Removes a deleted post's uploads inside the caller's transaction and answers their storage
   * keys (the files go after the commit). An upload that is also its owner's avatar or header
   * stays, detached: the profile still shows it.
   */
  async purgePostUploads(manager: EntityManager, postId: string): Promise<string[]> {
    await manager.query(
      `UPDATE media_attachments m SET post_id = NULL FROM accounts a
       WHERE m.post_id = $1 AND a.id = m.account_id AND (a.avatar_media_id = m.id OR a.header_media_id = m.id)`,
      [postId],
    );
    const [rows] = await manager.query<[{ storage_key: string; preview_storage_key: string | null }[], number]>(
      `DELETE FROM media_attachments WHERE post_id = $1 AND storage_key IS NOT NULL
       RETURNING storage_key, preview_storage_key`,
      [postId],
    );
    return rows.flatMap((row) => [row.storage_key, ...(row.preview_storage_key ? [row.preview_storage_key] : [])]);
  }

  /** Every local upload's storage keys (originals and previews), read in the caller's transaction (a backup's snapshot). */
  async storageKeys(manager: EntityManager): Promise<string[]> {
    const rows = await manager.query<{ key: string }[]>(
      `SELECT storage_key AS key FROM media_attachments WHERE storage_key IS NOT NULL
       UNION ALL
       SELECT preview_storage_key FROM media_attachments WHERE preview_storage_key IS NOT NULL
       ORDER BY key`,
    );
    return rows.map((row) => row.key);
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
