import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RemoteMediaData } from '../media/remote-media';

/**
 * Attaching uploaded media to a new post, and a remote post's media to it, inside the post's
 * transaction (and purging a deleted post's uploads): the posts feature's view of MediaService (bound in posts.module.ts), so
 * PostService and RemotePostService do not depend on uploads.
 */
@Injectable()
export abstract class PostAttachments {
  abstract attach(manager: EntityManager, accountId: string, postId: string, mediaIds: string[]): Promise<void>;
  /** An edit's uploads: the post's become `mediaIds`, in order (the author's own). */
  abstract replace(manager: EntityManager, accountId: string, postId: string, mediaIds: string[]): Promise<void>;
  /** The ids of the post's uploads, in order. */
  abstract uploadIds(manager: EntityManager, postId: string): Promise<string[]>;
  abstract replaceRemote(
    manager: EntityManager,
    accountId: string,
    postId: string,
    items: readonly RemoteMediaData[],
  ): Promise<void>;
  /** A deleted post's uploads go with it: rows in the transaction, their storage keys answered. */
  abstract purge(manager: EntityManager, postId: string): Promise<string[]>;
  /** Then, after the commit, their files. */
  abstract removeStored(storageKeys: readonly string[]): Promise<void>;
}
