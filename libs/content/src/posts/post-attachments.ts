import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * Attaching uploaded media to a new post, inside the post's transaction: the posts feature's
 * view of MediaService (bound in posts.module.ts), so PostService does not depend on uploads.
 */
@Injectable()
export abstract class PostAttachments {
  abstract attach(manager: EntityManager, accountId: string, postId: string, mediaIds: string[]): Promise<void>;
}
