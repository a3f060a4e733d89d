import type { ConfigService } from '@guildhall/core';
import type { EngagementService, RemotePostService } from '@guildhall/content';
import type { RemoteActorService } from '../remote/remote-actor.service';
import type { BatchItem } from './inbox-batch-item';
import { InboxBatcher, MAX_RUNNING } from './inbox-batcher';
import type { InboxIdempotency } from './inbox-idempotency';

/** Lets setImmediate callbacks and the promise chains they start run. */
const turns = async (n = 10) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** A batcher of one message per batch whose transactions finish only when the test says so. */
function batcherWithHeldTransactions() {
  const held: (() => void)[] = [];
  let transactions = 0;
  const config = { values: { publicOrigin: 'https://here.example', federation: { inboxBatch: 1 } } };
  const remote = {
    knownFresh: (uris: readonly string[]) =>
      Promise.resolve(new Map(uris.map((uri) => [uri, { id: `account ${uri}` }]))),
  };
  const posts = {
    findVisiblePairs: (pairs: readonly { postId: string; viewerId: string }[]) =>
      Promise.resolve(
        new Map(pairs.map((pair) => [`${pair.postId} ${pair.viewerId}`, { boostOfId: null, visibility: 'public' }])),
      ),
  };
  const engagement = {
    applyRemoteBatch: (items: readonly unknown[]) => {
      transactions += 1;
      return new Promise((resolve) => held.push(() => resolve(items.map(() => 'changed'))));
    },
  };
  const idempotency = {
    keyOf: (actor: string, id: string) => ['inbox', actor, id],
    acceptedAmong: () => Promise.resolve(new Set<string>()),
  };
  const batcher = new InboxBatcher(
    config as unknown as ConfigService,
    remote as unknown as RemoteActorService,
    posts as unknown as RemotePostService,
    engagement as unknown as EngagementService,
    idempotency as unknown as InboxIdempotency,
  );
  return { batcher, held, transactions: () => transactions };
}

const like = (n: number): BatchItem => ({
  kind: 'like',
  activityId: `https://remote.example/likes/${n}`,
  actor: `https://remote.example/users/${n}`,
  postId: `post-${n}`,
  uri: `https://remote.example/likes/${n}`,
  visibility: 'public' as BatchItem['visibility'],
  keys: [`like ${n}`],
});

describe('InboxBatcher', () => {
  it('replaces every batch that finishes: two finishing in one turn start two more', async () => {
    const { batcher, held, transactions } = batcherWithHeldTransactions();
    const handler = jest.fn();
    const settled = Array.from({ length: 2 * MAX_RUNNING }, (_, n) => batcher.submit(like(n), { n }, handler));
    await turns();
    expect(transactions()).toBe(MAX_RUNNING);

    // Both running batches commit in the same turn: both slots are filled again, not one.
    for (const release of held.splice(0)) release();
    await turns();
    expect(transactions()).toBe(2 * MAX_RUNNING);

    for (const release of held.splice(0)) release();
    await expect(Promise.all(settled)).resolves.toHaveLength(2 * MAX_RUNNING);
    expect(batcher.counts).toMatchObject({ batches: 2 * MAX_RUNNING, applied: 2 * MAX_RUNNING, fallback: 0 });
    expect(handler).not.toHaveBeenCalled();
  });
});
