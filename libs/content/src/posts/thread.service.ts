import { Injectable } from '@nestjs/common';
import { ContentErrorCode, ContentException } from '../content.exception';
import type { PostEntity } from './post.entity';
import { PostRepository } from './post.repository';

/** How far up a thread reads (Mastodon: 40 ancestors). */
export const MAX_ANCESTORS = 40;
/** How many replies under a post a thread reads: fewer for anonymous readers, as Mastodon. */
export const MAX_DESCENDANTS = { anonymous: 60, member: 4096 };

export interface Thread {
  /** The posts above, oldest first. */
  ancestors: PostEntity[];
  /** The replies under it, depth first (each reply followed by its own replies, oldest first). */
  descendants: PostEntity[];
}

/** A post's thread as `viewerId` may see it: every post in it passes the visibility rule. */
@Injectable()
export class ThreadService {
  constructor(private readonly posts: PostRepository) {}

  async thread(viewerId: string | null, id: string): Promise<Thread> {
    const post = await this.posts.findVisible(id, viewerId);
    if (!post) throw new ContentException(ContentErrorCode.PostNotFound, 'No such post');
    const [ancestorIds, replies] = await Promise.all([
      this.posts.ancestorIds(post.id, MAX_ANCESTORS),
      this.posts.descendantIds(post.id, viewerId ? MAX_DESCENDANTS.member : MAX_DESCENDANTS.anonymous),
    ]);
    const visible = new Map(
      (await this.posts.findVisibleByIds([...ancestorIds, ...replies.map((r) => r.id)], viewerId)).map((p) => [
        p.id,
        p,
      ]),
    );
    const ancestors = ancestorIds
      .reverse()
      .flatMap((ancestorId) => (visible.has(ancestorId) ? [visible.get(ancestorId)!] : []));
    // Depth first: children in id (time) order under each parent; a hidden reply's visible replies still show.
    const children = new Map<string, string[]>();
    for (const reply of replies) children.set(reply.parentId, [...(children.get(reply.parentId) ?? []), reply.id]);
    const descendants: PostEntity[] = [];
    const walk = (parentId: string) => {
      for (const childId of (children.get(parentId) ?? []).sort()) {
        const child = visible.get(childId);
        if (child) descendants.push(child);
        walk(childId);
      }
    };
    walk(post.id);
    return { ancestors, descendants };
  }
}
