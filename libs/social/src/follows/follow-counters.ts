import type { EntityManager } from 'typeorm';

/**
 * Recomputes the followers/following counters of `accountIds` from their accepted follows, for
 * bulk removals (a deleted remote actor, a purged domain) where moving counters one follow at a
 * time is not possible. The caller locks the account rows first, in id order.
 */
export async function recountFollowCounters(manager: EntityManager, accountIds: string[]): Promise<void> {
  if (!accountIds.length) return;
  await manager.query(
    `UPDATE accounts a SET
       followers_count = (SELECT count(*) FROM follows f WHERE f.followee_id = a.id AND f.state = 'accepted'),
       following_count = (SELECT count(*) FROM follows f WHERE f.follower_id = a.id AND f.state = 'accepted')
     WHERE a.id = ANY($1)`,
    [accountIds],
  );
}
