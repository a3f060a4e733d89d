import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@guildhall/core';
import { AccountRepository } from '@guildhall/identity';
import { FederationService } from '../federation.service';
import { RemoteKeyCache } from '../keys/remote-key.cache';
import { parseCavageSignature, signingString, verifyCavageSignature } from './cavage-signature';
import { actorId, originOf } from './inbox-request';
import { plainActivityStreams } from './plain-activity-streams';

/** The message Fedify's inbox enqueues for its listeners (the public `processQueuedTask` input). */
type InboxMessage = Parameters<FederationService['federation']['processQueuedTask']>[1];

/**
 * The common inbox POST, accepted without Fedify's per-request JSON-LD work: a draft-cavage RSA
 * signature by a key Fedify already fetched (its KV cache), owned by the activity's actor by the
 * one rule of keys/key-ownership.ts (here: on the actor's own origin). It is verified here with node:crypto and enqueued as the same message
 * Fedify's inbox enqueues, so the worker runs it through the same listeners, idempotence and
 * retries (ADR 0012). Anything else — an unknown or rotated key, RFC 9421, Linked Data
 * Signatures or proofs, a custom context that could redefine the terms read here, a signature
 * that does not verify — returns false and takes Fedify's full path, which decides and refuses.
 * The door (inbox-request.ts) has already checked content type, JSON, digest, the signature's
 * time window and the activity id's origin, for this path and Fedify's alike.
 */
@Injectable()
export class InboxFastPath {
  private readonly origin: string;
  /** Requests this process accepted here, and those it left to Fedify (tests and diagnostics). */
  readonly counts = { accepted: 0, declined: 0 };

  constructor(
    config: ConfigService,
    private readonly federation: FederationService,
    private readonly keys: RemoteKeyCache,
    private readonly accounts: AccountRepository,
  ) {
    this.origin = config.values.publicOrigin;
  }

  /**
   * Enqueues `activity` when its signature verifies with a cached key; false to fall back.
   * `target` is the request target as signed (path and query); `recipient` a local username for
   * a personal inbox, null for the shared inbox.
   */
  async accept(
    headers: IncomingHttpHeaders,
    target: string,
    activity: Record<string, unknown>,
    recipient: string | null,
  ): Promise<boolean> {
    const accepted = await this.tryAccept(headers, target, activity, recipient);
    this.counts[accepted ? 'accepted' : 'declined'] += 1;
    return accepted;
  }

  private async tryAccept(
    headers: IncomingHttpHeaders,
    target: string,
    activity: Record<string, unknown>,
    recipient: string | null,
  ): Promise<boolean> {
    const header = headers.signature;
    if (typeof header !== 'string' || headers['signature-input'] !== undefined) return false;
    if (!plainActivityStreams(activity)) return false;
    const actor = actorId(activity);
    if (typeof activity.id !== 'string' || actor === null) return false;
    const signature = parseCavageSignature(header);
    if (!signature) return false;
    const actorOrigin = originOf(actor);
    if (actorOrigin === null || originOf(activity.id) !== actorOrigin) return false;
    const text = signingString(signature, 'POST', target, headers);
    if (text === null) return false;
    // The cache hands out a key only with an owner it belongs to (key-ownership.ts).
    const key = await this.keys.find(signature.keyId);
    if (!key || key.ownerId !== actor) return false;
    if (!verifyCavageSignature(signature, text, key.key)) {
      this.keys.forget(signature.keyId);
      return false;
    }
    if (recipient !== null && !(await this.accounts.findActiveLocal(recipient))) return false;
    const message: InboxMessage = {
      type: 'inbox',
      id: randomUUID(),
      baseUrl: this.origin,
      activity,
      identifier: recipient,
      attempt: 0,
      started: new Date().toISOString(),
      traceContext: {},
    };
    await this.federation.queue.enqueue(message);
    return true;
  }
}
