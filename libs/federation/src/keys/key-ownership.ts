import type { DocumentLoader, RemoteDocument } from '@fedify/fedify/runtime';
import { CryptographicKey, isActor, Multikey, Object as ApObject } from '@fedify/fedify/vocab';
import { Logger } from '@nestjs/common';
import { originOf } from '../http/inbox-request';

/**
 * Who a key belongs to (DESIGN.md, trust boundaries; Mastodon's rule): the actor it names as
 * owner or controller only if the key id is on that actor's origin, or the actor's own document
 * lists the key (`publicKey` / `assertionMethod`). A key document on one server cannot make
 * itself an actor's on another. The one rule every path uses: the fast path (through
 * RemoteKeyCache) and Fedify's HTTP signatures, Linked Data signatures and integrity proofs
 * (through the document loader Fedify fetches keys with, {@link confirmedKeyLoader}).
 */
export function keyBelongsTo(keyId: string, actorId: string, actorKeyIds: readonly string[] = []): boolean {
  const keyOrigin = originOf(keyId);
  return (keyOrigin !== null && keyOrigin === originOf(actorId)) || actorKeyIds.includes(keyId);
}

/** A key, the actor it claims as owner (or controller), and the keys that claimant's document lists, if read. */
interface KeyClaim {
  keyId: string;
  ownerId: string;
  listedByOwner: readonly string[];
}

/** Thrown by {@link confirmedKeyLoader} for a document naming an owner who does not confirm the key. */
export class UnconfirmedKeyError extends Error {
  constructor(keyId: string, ownerId: string) {
    super(`key ${keyId} claims owner ${ownerId}, which neither shares its origin nor lists it`);
    this.name = 'UnconfirmedKeyError';
  }
}

const logger = new Logger('KeyOwnership');

/**
 * Fedify's document loader, refusing (as a failed fetch) any document that hands out a key for
 * an owner who does not confirm it: a `CryptographicKey` or `Multikey` document, or an actor
 * document embedding a key whose `owner`/`controller` is someone else. Fedify trusts that field
 * when it checks who signed (`doesActorOwnKey`, `verifyJsonLd`, `verifyObject`), so this is where
 * the claim is checked: every key Fedify verifies with, and caches for the fast path, came through
 * here. When the owner is on another origin its document is fetched (unchecked loader) and must
 * list the key.
 */
export function confirmedKeyLoader(loader: DocumentLoader, contextLoader: DocumentLoader): DocumentLoader {
  const noFetch: DocumentLoader = (url) => Promise.reject(new Error(`not fetched: ${url}`));
  const read = async (document: unknown): Promise<unknown> => {
    try {
      return await ApObject.fromJsonLd(document, { documentLoader: noFetch, contextLoader });
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
    }
    for (const cls of [CryptographicKey, Multikey]) {
      try {
        return await cls.fromJsonLd(document, { documentLoader: noFetch, contextLoader });
      } catch (error) {
        if (!(error instanceof TypeError)) throw error;
      }
    }
    return null;
  };

  const claims = async (document: unknown): Promise<KeyClaim[]> => {
    const object = await read(document);
    if (object instanceof CryptographicKey && object.id && object.ownerId) {
      return [{ keyId: object.id.href, ownerId: object.ownerId.href, listedByOwner: [] }];
    }
    if (object instanceof Multikey && object.id && object.controllerId) {
      return [{ keyId: object.id.href, ownerId: object.controllerId.href, listedByOwner: [] }];
    }
    if (!isActor(object) || !object.id) return [];
    const actorId = object.id.href;
    const listed = [...object.publicKeyIds, ...object.assertionMethodIds].map((id) => id.href);
    const found: KeyClaim[] = [];
    const options = { documentLoader: noFetch, contextLoader, suppressError: true } as const;
    for await (const key of object.getPublicKeys(options)) {
      if (key.id && key.ownerId) found.push({ keyId: key.id.href, ownerId: key.ownerId.href, listedByOwner: [] });
    }
    for await (const key of object.getAssertionMethods(options)) {
      if (key.id && key.controllerId) {
        found.push({ keyId: key.id.href, ownerId: key.controllerId.href, listedByOwner: [] });
      }
    }
    // The actor's own keys are listed by the owner's document: this one.
    return found.map((claim) => (claim.ownerId === actorId ? { ...claim, listedByOwner: listed } : claim));
  };

  /** The keys the owner's own document lists (empty when it cannot be read or is no actor). */
  const keysListedBy = async (ownerId: string): Promise<string[]> => {
    try {
      const owner = await read((await loader(ownerId)).document);
      if (!isActor(owner) || owner.id?.href !== ownerId) return [];
      return [...owner.publicKeyIds, ...owner.assertionMethodIds].map((id) => id.href);
    } catch {
      return [];
    }
  };

  return async (url, options): Promise<RemoteDocument> => {
    const remote = await loader(url, options);
    for (const claim of await claims(remote.document)) {
      if (keyBelongsTo(claim.keyId, claim.ownerId, claim.listedByOwner)) continue;
      if (keyBelongsTo(claim.keyId, claim.ownerId, await keysListedBy(claim.ownerId))) continue;
      logger.warn({
        msg: 'key refused: its claimed owner does not confirm it',
        url,
        keyId: claim.keyId,
        owner: claim.ownerId,
      });
      throw new UnconfirmedKeyError(claim.keyId, claim.ownerId);
    }
    return remote;
  };
}
