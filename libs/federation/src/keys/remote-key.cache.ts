import { createPublicKey, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { BoundedMap } from '@guildhall/core';
import { PostgresKvStore } from '../kv/postgres-kv.store';
import { keyBelongsTo } from './key-ownership';

/** A remote actor's public key, parsed once, and the actor that owns it. */
export interface RemoteKey {
  key: KeyObject;
  ownerId: string;
}

/** Where Fedify keeps the remote keys it fetched and verified with (its default `kvPrefixes.publicKey`). */
const FEDIFY_PUBLIC_KEY_PREFIX = ['_fedify', 'publicKey'] as const;
const MAX_ENTRIES = 10_000;

/**
 * Fedify's cache of remote public keys (in the shared KV store), parsed into node:crypto keys once
 * per process instead of once per request: Fedify rebuilds a `CryptographicKey` from JSON-LD and
 * imports it into WebCrypto on every verification (bench:inbox measured ~270 µs of the ~1.3 ms it
 * spends per request). Only keys Fedify itself fetched are here: a key we have never seen is
 * fetched by Fedify's path, which then fills its cache for the next request. The parsed entry is
 * compared with the cached document, so a key Fedify re-fetched (rotated) is parsed again.
 */
@Injectable()
export class RemoteKeyCache {
  private readonly parsed = new BoundedMap<string, { document: unknown; json: string; key: RemoteKey }>(MAX_ENTRIES);

  constructor(private readonly kv: PostgresKvStore) {}

  async find(keyId: string): Promise<RemoteKey | null> {
    const document = await this.kv.get<unknown>([...FEDIFY_PUBLIC_KEY_PREFIX, keyId]);
    if (document === undefined || document === null) return null;
    const known = this.parsed.get(keyId);
    // The KV store hands out the object it keeps in memory: the same object is the same key.
    if (known?.document === document) return known.key;
    const json = JSON.stringify(document);
    if (known?.json === json) {
      known.document = document;
      return known.key;
    }
    const key = parseCryptographicKey(document, keyId);
    // Only a key on its owner's origin: one its owner's document lists was confirmed when Fedify
    // fetched it, but that listing is not kept here, so such a key stays on Fedify's path.
    if (!key || !keyBelongsTo(keyId, key.ownerId)) return null;
    this.parsed.set(keyId, { document, json, key });
    return key;
  }

  /** Drops the parsed key (a signature it did not verify may mean the key changed). */
  forget(keyId: string): void {
    this.parsed.delete(keyId);
  }
}

const SEC = 'https://w3id.org/security#';

/**
 * A `CryptographicKey` as Fedify stores it — compacted (security/v1 context), or expanded JSON-LD
 * when the key came embedded in an actor document — with its owner and an RSA `publicKeyPem`;
 * null for any other shape (Multikey, another key type): those stay on Fedify's path.
 */
export function parseCryptographicKey(document: unknown, keyId: string): RemoteKey | null {
  const node = Array.isArray(document) && document.length === 1 ? (document[0] as unknown) : document;
  if (typeof node !== 'object' || node === null) return null;
  const fields = node as Record<string, unknown>;
  const expanded = '@id' in fields;
  const id = expanded ? fields['@id'] : fields.id;
  const types = expanded ? fields['@type'] : fields.type;
  const typeOk = expanded
    ? types === undefined || (Array.isArray(types) && types.length === 1 && types[0] === `${SEC}Key`)
    : types === 'CryptographicKey';
  const ownerId = expanded ? expandedValue(fields[`${SEC}owner`], '@id') : fields.owner;
  const pem = expanded ? expandedValue(fields[`${SEC}publicKeyPem`], '@value') : fields.publicKeyPem;
  if (id !== keyId || !typeOk || typeof ownerId !== 'string' || typeof pem !== 'string') return null;
  try {
    const key = createPublicKey(pem);
    return key.asymmetricKeyType === 'rsa' ? { key, ownerId } : null;
  } catch {
    return null;
  }
}

/** The single `[{ "@id": … }]` or `[{ "@value": … }]` of an expanded property. */
function expandedValue(property: unknown, keyword: '@id' | '@value'): unknown {
  if (!Array.isArray(property) || property.length !== 1) return undefined;
  const only = property[0] as Record<string, unknown> | null;
  return typeof only === 'object' && only !== null ? only[keyword] : undefined;
}
