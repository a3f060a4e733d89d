import { Injectable, Logger } from '@nestjs/common';
import type { KvKey } from '@fedify/fedify';
import { ConfigService } from '@guildhall/core';
import { type BatchOutcome, EngagementService, type RemoteEngagement, RemotePostService } from '@guildhall/content';
import type { AccountEntity } from '@guildhall/identity';
import { RemoteActorService } from '../remote/remote-actor.service';
import { type BatchItem, batchItemOf } from './inbox-batch-item';
import { encodedKey, InboxIdempotency } from './inbox-idempotency';

type Handler = (message: unknown) => Promise<void> | void;

/**
 * Batches run at once: a batch's transaction resolves only after its events were dispatched (the
 * subscribers' work), so the next one runs meanwhile rather than waiting for that.
 */
export const MAX_RUNNING = 2;

/** A queued message waiting for its batch; its job's promise settles through `settle`. */
interface Entry {
  item: BatchItem;
  message: unknown;
  handler: Handler;
  settle: (error?: unknown) => void;
  key: KvKey | null;
}

/** Where each entry of a batch went (tests and diagnostics). */
export interface BatchCounts {
  batches: number;
  /** Applied in a batch's transaction (changed or already so). */
  applied: number;
  /** Accepted before (its record was found): nothing to do. */
  repeated: number;
  /** Left to the single-message path: undecided here (unknown sender, not visible, gone…). */
  fallback: number;
  /** Sharing a key with an earlier entry of its batch: run after that batch, in order. */
  deferred: number;
  /** Batches whose transaction failed (every entry then took the single-message path). */
  failed: number;
}

/**
 * Inbound Likes, Announces and their Undos processed in batches (ADR 0057). The worker's queue
 * hands every message it can read here (inbox-batch-item.ts); the messages in flight are gathered
 * while the previous batch runs, then decided together: senders known and fresh in one query,
 * the idempotency records in one, visibility of every (post, sender) pair in one by the one rule,
 * then one transaction (EngagementService.applyRemoteBatch) that writes the rows, moves each
 * post's counters once, publishes the events and records the activities as processed. Each
 * message's job settles only after that commit, so a crash re-runs them (the records make that
 * safe). Whatever the batch cannot decide as the handlers would takes the handlers' path — the
 * one that refuses — and so does every message of a batch whose transaction failed.
 */
@Injectable()
export class InboxBatcher {
  private readonly logger = new Logger(InboxBatcher.name);
  private readonly origin: string;
  readonly maxBatch: number;
  private pending: Entry[] = [];
  private scheduled = false;
  /** Batches between their start and their commit's dispatch. */
  private running = 0;
  readonly counts: BatchCounts = { batches: 0, applied: 0, repeated: 0, fallback: 0, deferred: 0, failed: 0 };

  constructor(
    config: ConfigService,
    private readonly remote: RemoteActorService,
    private readonly posts: RemotePostService,
    private readonly engagement: EngagementService,
    private readonly idempotency: InboxIdempotency,
  ) {
    this.origin = config.values.publicOrigin;
    this.maxBatch = config.values.federation.inboxBatch;
  }

  /** Jobs the queue should take for batches at once: those of the batches running, and one gathering. */
  get jobsInFlight(): number {
    return this.maxBatch * (MAX_RUNNING + 1);
  }

  /** Whether `message` can take a batch (else the caller runs it alone). */
  accepts(message: unknown): BatchItem | null {
    if (this.maxBatch === 0) return null;
    return batchItemOf(message, this.origin, (uri) => this.posts.localPostId(uri));
  }

  /** Runs `message` (read as `item`) in the next batch; settles after its batch has committed. */
  submit(item: BatchItem, message: unknown, handler: Handler): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const settle = (error?: unknown) =>
        error === undefined
          ? resolve()
          : reject(error instanceof Error ? error : new Error('inbox handler failed', { cause: error }));
      this.pending.push({ item, message, handler, settle, key: this.idempotency.keyOf(item.actor, item.activityId) });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running >= MAX_RUNNING) return;
    this.scheduled = true;
    // The jobs fetched in this turn join the batch; under load, those arriving while it runs form the next.
    setImmediate(() => {
      this.scheduled = false;
      // As many batches as may run: when two finish in one turn, both are replaced (a single
      // start here left one batch running while the queue's backlog waited in `pending`).
      while (this.pending.length && this.running < MAX_RUNNING) this.start(this.pending.splice(0, this.maxBatch));
    });
  }

  private start(batch: Entry[]): void {
    this.running += 1;
    void this.process(batch).finally(() => {
      this.running -= 1;
      if (this.pending.length) this.schedule();
    });
  }

  /**
   * One batch. Entries sharing a key with an earlier one wait for the end (run alone, in order);
   * the rest are decided together; what is left over runs alone, side by side (no shared keys).
   */
  private async process(batch: Entry[]): Promise<void> {
    this.counts.batches += 1;
    const taken = new Set<string>();
    const deferred: Entry[] = [];
    const independent: Entry[] = [];
    for (const entry of batch) {
      const clash = entry.item.keys.some((key) => taken.has(key));
      for (const key of entry.item.keys) taken.add(key);
      (clash ? deferred : independent).push(entry);
    }
    let alone: Entry[];
    try {
      alone = await this.decide(independent);
    } catch (error) {
      this.counts.failed += 1;
      this.logger.warn({ msg: 'inbound batch failed; each activity runs alone', size: independent.length, err: error });
      alone = independent;
    }
    this.counts.fallback += alone.length;
    this.counts.deferred += deferred.length;
    // Detached: the next batch need not wait for fetches of unknown actors and the like.
    void this.runAlone(alone, deferred);
  }

  private async runAlone(alone: Entry[], deferred: Entry[]): Promise<void> {
    await Promise.all(alone.map((entry) => this.runOne(entry)));
    for (const entry of deferred) await this.runOne(entry);
  }

  private async runOne(entry: Entry): Promise<void> {
    try {
      await entry.handler(entry.message);
      entry.settle();
    } catch (error) {
      entry.settle(error);
    }
  }

  /** Applies what it can decide in one transaction and settles those; returns the entries left to run alone. */
  private async decide(entries: Entry[]): Promise<Entry[]> {
    if (!entries.length) return [];
    const keys = entries.map((entry) => entry.key).filter((key): key is KvKey => key !== null);
    const [senders, accepted] = await Promise.all([
      this.remote.knownFresh([...new Set(entries.map((entry) => entry.item.actor))]),
      this.idempotency.acceptedAmong(keys),
    ]);
    const alone: Entry[] = [];
    const candidates: { entry: Entry; sender: AccountEntity }[] = [];
    for (const entry of entries) {
      if (entry.key && accepted.has(encodedKey(entry.key))) {
        this.counts.repeated += 1;
        entry.settle();
        continue;
      }
      const sender = senders.get(entry.item.actor);
      if (!entry.key || !sender || sender.suspendedAt) alone.push(entry);
      else candidates.push({ entry, sender });
    }
    const engaging = candidates.filter(({ entry }) => entry.item.kind === 'like' || entry.item.kind === 'boost');
    const visible = await this.posts.findVisiblePairs(
      engaging.map(({ entry, sender }) => ({ postId: entry.item.postId, viewerId: sender.id })),
    );
    const applied: Entry[] = [];
    const items: RemoteEngagement[] = [];
    for (const { entry, sender } of candidates) {
      const engagement = this.engagementOf(entry.item, sender, visible);
      if (engagement) {
        applied.push(entry);
        items.push(engagement);
      } else alone.push(entry);
    }
    if (!items.length) return alone;
    const outcomes = await this.engagement.applyRemoteBatch(items, (manager, decided) =>
      this.idempotency.recordAll(
        manager,
        applied.filter((_, i) => decided[i] !== 'undecided').map((entry) => entry.key!),
      ),
    );
    this.settleApplied(applied, outcomes, alone);
    return alone;
  }

  private settleApplied(applied: Entry[], outcomes: BatchOutcome[], alone: Entry[]): void {
    const summary = { changed: 0, unchanged: 0 };
    applied.forEach((entry, i) => {
      const outcome = outcomes[i];
      if (outcome === 'undecided') return void alone.push(entry);
      summary[outcome] += 1;
      this.counts.applied += 1;
      entry.settle();
    });
    this.logger.log({ msg: 'inbound batch applied', ...summary, alone: alone.length });
  }

  /** What the entry comes to for EngagementService, or null when the handlers' path must decide it. */
  private engagementOf(
    item: BatchItem,
    sender: AccountEntity,
    visible: Map<string, { boostOfId: string | null; visibility: RemoteEngagementVisibility }>,
  ): RemoteEngagement | null {
    const base = { accountId: sender.id, postId: item.postId, uri: item.uri };
    switch (item.kind) {
      case 'unlike':
      case 'unboost':
        return { kind: item.kind, ...base };
      case 'like': {
        const post = visible.get(`${item.postId} ${sender.id}`);
        return post && !post.boostOfId ? { kind: 'like', ...base } : null;
      }
      case 'boost': {
        const post = visible.get(`${item.postId} ${sender.id}`);
        if (!post || post.boostOfId) return null;
        return {
          kind: 'boost',
          ...base,
          visibility: item.visibility,
          postVisibility: post.visibility,
          postIsBoost: false,
        };
      }
    }
  }
}

type RemoteEngagementVisibility = Extract<RemoteEngagement, { kind: 'boost' }>['visibility'];
