import type { EntityManager } from 'typeorm';
import { PostEntity, Visibility } from './post.entity';
import type { PostRepository } from './post.repository';

/**
 * Only replies everyone may see count in `repliesCount` (as in Mastodon): a count that included
 * followers-only or direct replies would tell strangers they exist.
 */
export function countsAsReply(post: Pick<PostEntity, 'visibility'>): boolean {
  return post.visibility === Visibility.Public || post.visibility === Visibility.Unlisted;
}

/**
 * Tombstones post `id` inside the caller's transaction, as every delete (local or from a remote
 * server) does: the row is locked (two deletes must not both move the counters), its content
 * erased (an article stays an article: its Tombstone says formerType Article), its hashtags,
 * remote media and boosts gone, and the counts it held released. Resolves to the row as it was before, or null when
 * it is missing or already deleted.
 */
export async function tombstonePost(
  posts: PostRepository,
  manager: EntityManager,
  id: string,
): Promise<PostEntity | null> {
  const locked = await manager
    .getRepository(PostEntity)
    .createQueryBuilder('p')
    .setLock('pessimistic_write')
    .where('p.id = :id', { id })
    .getOne();
  if (!locked || locked.deletedAt) return null;
  await posts.update(manager, id, {
    deletedAt: new Date(),
    source: null,
    content: '',
    title: locked.title === null ? null : '',
    summary: null,
    contentWarning: null,
  });
  await posts.setHashtags(manager, id, []);
  // Remote media are links to another server's files, part of the content; a local delete
  // purges its uploads too (PostService.delete, with their files after the commit).
  await manager.query('DELETE FROM media_attachments WHERE post_id = $1 AND storage_key IS NULL', [id]);
  await posts.tombstoneBoostsOf(manager, id);
  if (locked.boostOfId) {
    await manager.query('UPDATE posts SET boosts_count = GREATEST(boosts_count - 1, 0) WHERE id = $1', [
      locked.boostOfId,
    ]);
  } else {
    if (locked.inReplyToId && countsAsReply(locked)) await posts.adjustRepliesCount(manager, locked.inReplyToId, -1);
    await posts.adjustAuthorPostsCount(manager, locked.accountId, -1);
  }
  return locked;
}
