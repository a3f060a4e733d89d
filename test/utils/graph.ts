import { uuidv7 } from '@guildhall/core';
import { DataSource } from 'typeorm';
import type { TestApp } from './test-app';

/** Direct graph rows for tests of other features (the follow/block API has its own suite). */
export async function insertFollow(
  t: TestApp,
  followerId: string,
  followeeId: string,
  state = 'accepted',
): Promise<void> {
  await t.app
    .get(DataSource)
    .query('INSERT INTO follows (id, follower_id, followee_id, state) VALUES ($1, $2, $3, $4)', [
      uuidv7(),
      followerId,
      followeeId,
      state,
    ]);
}

export async function insertBlock(t: TestApp, accountId: string, targetId: string): Promise<void> {
  await t.app
    .get(DataSource)
    .query('INSERT INTO blocks (id, account_id, target_id) VALUES ($1, $2, $3)', [uuidv7(), accountId, targetId]);
}
