import { randomUUID } from 'node:crypto';
import {
  DomainEvent,
  DomainEventBus,
  type DomainEventName,
  type DomainEventPayloads,
  EventSubscriber,
  OutboxRepository,
  uuidv7,
} from '@guildhall/core';
import { DataSource } from 'typeorm';
import { ContributionRecorder } from '../libs/coop/src/contributions/contribution.recorder';
import { EventDispatcher } from '../libs/core/src/events/event-dispatcher';
import { NotificationService } from '../libs/social/src/notifications/notification.service';
import { signUp, type SignedUp } from './utils/factories';
import { createTestApp, type TestApp } from './utils/test-app';

/**
 * Batch handlers (docs/adr/0058), with the real PostgreSQL: a batch of deliveries leaves exactly
 * the rows the same deliveries leave one by one; a batch in which one delivery fails is delivered
 * one by one, so the others are done and only that one is retried — after a transaction that
 * published many events (inline) and after a relay's claim.
 */
describe('outbox batch handlers', () => {
  let t: TestApp;
  let db: DataSource;
  let recorder: ContributionRecorder;
  let notifications: NotificationService;

  const delivery = <E extends DomainEventName>(name: E, payload: DomainEventPayloads[E]) => ({
    name,
    payload,
    meta: { id: String(Math.floor(Math.random() * 1e9)), occurredAt: new Date() },
  });
  const like = (actor: SignedUp, author: SignedUp, postId = uuidv7(), engagementId = uuidv7()) =>
    ({
      engagementId,
      postId,
      postAuthorId: author.account.id,
      accountId: actor.account.id,
      accountLocal: true,
      postLocal: true,
    }) satisfies DomainEventPayloads[typeof DomainEvent.PostLiked];
  const member = async () => {
    const account = await signUp(t);
    await db.query(
      `INSERT INTO coop_members (account_id, status, joined_at) VALUES ($1, 'active', now() - interval '60 days')`,
      [account.account.id],
    );
    return account;
  };

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    recorder = t.app.get(ContributionRecorder);
    notifications = t.app.get(NotificationService);
  });
  afterAll(() => t.close());

  it('records the same contributions in one batch as one by one: same ids, same snapshots, once', async () => {
    const [ann, bob, cat] = [await member(), await member(), await member()];
    const outsider = await signUp(t); // not a member: earns nothing, gives nothing
    const [remote] = (
      await db.query<{ id: string }[]>(
        `INSERT INTO accounts (username, domain, uri) VALUES ($1, 'remote.example', $2) RETURNING id`,
        [`r${randomUUID().slice(0, 8)}`, `https://remote.example/users/${randomUUID()}`],
      )
    ).map((row) => row.id);
    const unliked = like(cat, ann);
    const reply = uuidv7();
    const boost = uuidv7();
    const report = uuidv7();
    const deliveries = [
      delivery(DomainEvent.PostLiked, like(bob, ann)),
      delivery(DomainEvent.PostLiked, like(outsider, ann)),
      delivery(DomainEvent.PostLiked, { ...like(bob, ann), accountId: remote, accountLocal: false }),
      delivery(DomainEvent.PostLiked, like(ann, ann)),
      delivery(DomainEvent.PostBoosted, like(cat, bob, uuidv7(), boost)),
      delivery(DomainEvent.PostPublished, {
        postId: reply,
        authorId: bob.account.id,
        local: true,
        visibility: 'public',
        inReplyToId: uuidv7(),
        inReplyToAuthorId: ann.account.id,
        mentionedAccountIds: [],
        isArticle: false,
      }),
      delivery(DomainEvent.ReportUpheld, { reportId: report, moderatorAccountId: cat.account.id }),
      delivery(DomainEvent.PostUnliked, unliked),
    ];
    const ids = [
      ...deliveries.map((d) => `%${(d.payload as { engagementId?: string }).engagementId ?? '-'}`),
      `%${reply}`,
      `%${report}`,
    ];
    const rows = async () =>
      (
        await db.query<{ id: string; type: string; actor: string | null }[]>(
          `SELECT id, type, member_id, actor, object, reverses, snapshot_json FROM coop_events
            WHERE id LIKE ANY($1::text[])`,
          [ids],
        )
      ).sort((a, b) => (a.id < b.id ? -1 : 1));
    const recordTarget = () => recorder.recordMany([delivery(DomainEvent.PostLiked, unliked)]);

    await recordTarget();
    for (const one of deliveries) await recorder.recordMany([one]);
    const oneByOne = await rows();
    await db.query(`DELETE FROM coop_events WHERE id LIKE ANY($1::text[])`, [ids]);

    await recordTarget();
    await recorder.recordMany(deliveries);
    const batched = await rows();
    expect(batched).toEqual(oneByOne);
    const byId = (list: { id: string; type: string }[]) => list.map((row) => [row.id, row.type]);
    const engagementOf = (i: number) => (deliveries[i].payload as { engagementId: string }).engagementId;
    expect(byId(batched)).toEqual(
      [
        [`curated:${boost}`, 'CURATED'],
        [`engaged:${engagementOf(0)}`, 'ENGAGED'],
        [`engaged:${engagementOf(2)}`, 'ENGAGED'],
        [`engaged:${boost}`, 'ENGAGED'],
        [`engaged:${reply}`, 'ENGAGED'],
        [`engaged:${unliked.engagementId}`, 'ENGAGED'],
        [`moderated:${report}`, 'MODERATED'],
        [`published:${reply}`, 'PUBLISHED'],
        [`reversal:engaged:${unliked.engagementId}`, 'REVERSAL'],
      ].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    );
    expect(batched.find((row) => row.id === `engaged:${engagementOf(2)}`)?.actor).toBe('instance:remote.example');

    // A re-delivery of the whole batch records nothing twice.
    await recorder.recordMany(deliveries);
    expect(await rows()).toEqual(batched);
  });

  it('makes the same notifications in one batch as one by one, each with its NotificationCreated event', async () => {
    const [ann, bob, cat, dan] = [await signUp(t), await signUp(t), await signUp(t), await signUp(t)];
    await db.query(`INSERT INTO blocks (id, account_id, target_id) VALUES ($1, $2, $3)`, [
      uuidv7(),
      ann.account.id,
      dan.account.id,
    ]);
    const post = uuidv7();
    const deliveries = [
      delivery(DomainEvent.PostLiked, like(bob, ann, post)),
      delivery(DomainEvent.PostLiked, like(cat, ann, post)),
      delivery(DomainEvent.PostLiked, like(dan, ann, post)), // ann blocks dan
      delivery(DomainEvent.PostLiked, like(ann, ann, post)), // her own
      delivery(DomainEvent.PostBoosted, like(bob, ann, post)),
      delivery(DomainEvent.Followed, {
        followId: uuidv7(),
        followerId: cat.account.id,
        followeeId: bob.account.id,
        followerLocal: true,
        followeeLocal: true,
        uri: null,
      }),
    ];
    const recipients = [ann.account.id, bob.account.id];
    const rows = async () =>
      (
        await db.query<{ account_id: string; type: string; from_account_id: string; dedupe_key: string }[]>(
          `SELECT account_id, type, from_account_id, post_id, dedupe_key FROM notifications
            WHERE account_id = ANY($1::uuid[])`,
          [recipients],
        )
      ).sort((a, b) => (a.dedupe_key < b.dedupe_key ? -1 : 1));
    const events = () =>
      db.query<{ n: string }[]>(
        `SELECT count(*) AS n FROM domain_events e JOIN notifications n ON n.id::text = e.payload->>'notificationId'
          WHERE e.name = 'notification.created' AND n.account_id = ANY($1::uuid[])`,
        [recipients],
      );

    for (const one of deliveries) await notifications.notifyMany([one]);
    const oneByOne = await rows();
    expect(await events()).toEqual([{ n: '4' }]);
    await db.query(`DELETE FROM notifications WHERE account_id = ANY($1::uuid[])`, [recipients]);

    await notifications.notifyMany(deliveries);
    const batched = await rows();
    expect(batched).toEqual(oneByOne);
    expect(batched.map((row) => [row.dedupe_key, row.account_id])).toEqual(
      [
        [`boost:${bob.account.id}:${post}`, ann.account.id],
        [`follow:${cat.account.id}:`, bob.account.id],
        [`like:${bob.account.id}:${post}`, ann.account.id],
        [`like:${cat.account.id}:${post}`, ann.account.id],
      ].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    );
    expect(await events()).toEqual([{ n: '4' }]);

    // Re-delivered: the dedupe keys keep one of each, and no new event is written.
    await notifications.notifyMany(deliveries);
    expect(await rows()).toEqual(batched);
    expect(await events()).toEqual([{ n: '4' }]);
  });

  it('asks the silencers once per post of a batch, and leaves out the recipients they name', async () => {
    const [ann, bob, cat, dan] = [await signUp(t), await signUp(t), await signUp(t), await signUp(t)];
    const [muted, heard] = [uuidv7(), uuidv7()];
    const asked: string[] = [];
    // Ann muted the conversation of `muted` (the content lib's silencer answers the same way).
    notifications.silenceWith((postId, recipientIds) => {
      if (postId === muted || postId === heard) asked.push(postId);
      return Promise.resolve(new Set(postId === muted ? recipientIds.filter((id) => id === ann.account.id) : []));
    });
    await notifications.notifyMany([
      delivery(DomainEvent.PostLiked, like(bob, ann, muted)),
      delivery(DomainEvent.PostLiked, like(cat, ann, muted)),
      delivery(DomainEvent.PostLiked, like(dan, ann, muted)),
      delivery(DomainEvent.PostLiked, like(bob, ann, heard)),
      delivery(DomainEvent.PostLiked, like(cat, ann, heard)),
    ]);
    expect(asked.sort()).toEqual([muted, heard].sort());
    const rows = await db.query<{ post_id: string; from_account_id: string }[]>(
      `SELECT post_id, from_account_id FROM notifications WHERE account_id = $1 ORDER BY from_account_id`,
      [ann.account.id],
    );
    expect(rows).toEqual(
      [bob, cat]
        .map((from) => ({ post_id: heard, from_account_id: from.account.id }))
        .sort((a, b) => (a.from_account_id < b.from_account_id ? -1 : 1)),
    );
  });

  const states = (subscriber: string, eventIds: string[]) =>
    db.query<{ event_id: string; state: string; attempts: number; failed: boolean }[]>(
      `SELECT event_id, state, attempts, last_error IS NOT NULL AS failed FROM domain_event_deliveries
        WHERE subscriber = $1 AND event_id = ANY($2::bigint[]) ORDER BY event_id`,
      [subscriber, eventIds],
    );
  const engagedCount = async (engagementIds: string[]) =>
    Number(
      (
        await db.query<{ n: string }[]>(`SELECT count(*) AS n FROM coop_events WHERE id = ANY($1::text[])`, [
          engagementIds.map((id) => `engaged:${id}`),
        ])
      )[0].n,
    );

  it('after a transaction that published many events, delivers the batch; one failing delivery is retried alone', async () => {
    const [ann, bob, cat, dan] = [await member(), await member(), await member(), await member()];
    const good = [like(bob, ann), like(cat, ann), like(dan, ann)];
    // Not a uuid: its look-ups fail, in the batch (which then goes one by one) and alone.
    const bad = { ...like(bob, ann), postAuthorId: 'not-a-uuid' };
    const spy = jest.spyOn(recorder, 'recordMany');
    try {
      const events = t.app.get(DomainEventBus);
      await db.transaction(async (manager) => {
        for (const payload of [good[0], bad, good[1], good[2]]) {
          await events.publish(manager, DomainEvent.PostLiked, payload);
        }
      });
      expect(spy.mock.calls[0][0]).toHaveLength(4);
      expect(spy.mock.calls.slice(1).map((call) => call[0].length)).toEqual([1, 1, 1, 1]);
    } finally {
      spy.mockRestore();
    }
    const eventIds = (
      await db.query<{ id: string; aggregate: string }[]>(
        `SELECT id, aggregate FROM domain_events WHERE name = 'post.liked' AND payload->>'engagementId' = ANY($1::text[])
          ORDER BY id`,
        [[...good, bad].map((p) => p.engagementId)],
      )
    ).map((row) => row.id);
    expect(await states(EventSubscriber.Contributions, eventIds)).toEqual([
      { event_id: eventIds[0], state: 'done', attempts: 1, failed: false },
      { event_id: eventIds[1], state: 'pending', attempts: 1, failed: true },
      { event_id: eventIds[2], state: 'done', attempts: 1, failed: false },
      { event_id: eventIds[3], state: 'done', attempts: 1, failed: false },
    ]);
    expect(await states(EventSubscriber.Notifications, eventIds)).toEqual([
      { event_id: eventIds[0], state: 'done', attempts: 1, failed: false },
      { event_id: eventIds[1], state: 'pending', attempts: 1, failed: true },
      { event_id: eventIds[2], state: 'done', attempts: 1, failed: false },
      { event_id: eventIds[3], state: 'done', attempts: 1, failed: false },
    ]);
    expect(await engagedCount(good.map((p) => p.engagementId))).toBe(3);
    expect(await engagedCount([bad.engagementId])).toBe(0);
  });

  it("after a relay's claim, delivers the batch; one failing delivery is retried alone", async () => {
    const [ann, bob, cat] = [await member(), await member(), await member()];
    const good = [like(bob, ann), like(cat, ann)];
    const bad = { ...like(cat, ann), postAuthorId: 'not-a-uuid' };
    const outbox = t.app.get(OutboxRepository);
    const subscribers = [EventSubscriber.Contributions];
    // Written as a process that died would leave them: leased, the lease already expired.
    await db.transaction(async (manager) => {
      for (const payload of [good[0], bad, good[1]]) {
        await outbox.insert(manager, {
          name: DomainEvent.PostLiked,
          aggregate: `like:${payload.accountId}:${payload.postId}`,
          payload,
          occurredAt: new Date(),
          subscribers,
          token: randomUUID(),
          leaseMs: -1_000,
        });
      }
    });
    const token = randomUUID();
    const claimed = (await outbox.claim(subscribers, token, 60_000, 32)).filter((c) =>
      [...good, bad].some((p) => p.engagementId === (c.payload as { engagementId: string }).engagementId),
    );
    expect(claimed).toHaveLength(3);
    const spy = jest.spyOn(recorder, 'recordMany');
    try {
      await t.app.get(EventDispatcher).dispatchClaimed(claimed, token);
      expect(spy.mock.calls.map((call) => call[0].length)).toEqual([3, 1, 1, 1]);
    } finally {
      spy.mockRestore();
    }
    const eventIds = claimed.map((c) => c.eventId);
    expect(await states(EventSubscriber.Contributions, eventIds)).toEqual([
      { event_id: eventIds[0], state: 'done', attempts: 1, failed: false },
      { event_id: eventIds[1], state: 'pending', attempts: 1, failed: true },
      { event_id: eventIds[2], state: 'done', attempts: 1, failed: false },
    ]);
    expect(await engagedCount(good.map((p) => p.engagementId))).toBe(2);
  });
});
