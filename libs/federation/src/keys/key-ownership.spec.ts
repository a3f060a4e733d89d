import { generateKeyPairSync, webcrypto } from 'node:crypto';
import type { DocumentLoader } from '@fedify/fedify/runtime';
import { preloadedContexts } from '@fedify/fedify/runtime';
import { Multikey } from '@fedify/fedify/vocab';
import { confirmedKeyLoader, keyBelongsTo, UnconfirmedKeyError } from './key-ownership';

const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' });
const AS = 'https://www.w3.org/ns/activitystreams';
const SEC = 'https://w3id.org/security/v1';

const victim = 'https://victim.example/users/v';
const evil = 'https://evil.example/users/e';

const actor = (id: string, keys: { id: string; owner: string }[]) => ({
  '@context': [AS, SEC],
  id,
  type: 'Person',
  inbox: `${id}/inbox`,
  publicKey: keys.map((key) => ({ ...key, publicKeyPem: pem })),
});
const keyDocument = (id: string, owner: string) => ({
  '@context': SEC,
  id,
  type: 'CryptographicKey',
  owner,
  publicKeyPem: pem,
});

const contextLoader: DocumentLoader = (url) => {
  const document = preloadedContexts[url];
  if (!document) return Promise.reject(new Error(`no context ${url}`));
  return Promise.resolve({ contextUrl: null, documentUrl: url, document });
};

/** A loader over these documents (by URL without fragment), counting fetches. */
function loaderOf(documents: Record<string, unknown>): DocumentLoader & { fetched: string[] } {
  const fetched: string[] = [];
  const loader = (url: string) => {
    const bare = url.split('#')[0];
    fetched.push(bare);
    const document = documents[bare];
    if (document === undefined) return Promise.reject(new Error(`404 ${url}`));
    return Promise.resolve({ contextUrl: null, documentUrl: bare, document });
  };
  return Object.assign(loader, { fetched });
}

describe('keyBelongsTo', () => {
  it('is true for a key on the actor origin, or listed by the actor, and false otherwise', () => {
    expect(keyBelongsTo('https://victim.example/keys/1', victim)).toBe(true);
    expect(keyBelongsTo('https://victim.example:8443/keys/1', victim)).toBe(false);
    expect(keyBelongsTo('http://victim.example/keys/1', victim)).toBe(false);
    expect(keyBelongsTo('https://evil.example/keys/1', victim)).toBe(false);
    expect(keyBelongsTo('https://keys.example/k', victim, ['https://keys.example/k'])).toBe(true);
    expect(keyBelongsTo('not a url', victim)).toBe(false);
  });
});

describe('confirmedKeyLoader', () => {
  it('passes an actor document and a key document on the owner origin through unchanged', async () => {
    const docs = {
      [victim]: actor(victim, [{ id: `${victim}#main-key`, owner: victim }]),
      'https://victim.example/keys/2': keyDocument('https://victim.example/keys/2', victim),
    };
    const inner = loaderOf(docs);
    const loader = confirmedKeyLoader(inner, contextLoader);
    expect((await loader(`${victim}#main-key`)).document).toBe(docs[victim]);
    expect((await loader('https://victim.example/keys/2')).document).toBe(docs['https://victim.example/keys/2']);
    // Same origin: the owner's document is not fetched.
    expect(inner.fetched).toEqual([victim, 'https://victim.example/keys/2']);
  });

  it("refuses a key document on one server that names an actor on another as owner (the owner doesn't list it)", async () => {
    const forged = 'https://evil.example/keys/forged';
    const inner = loaderOf({
      [forged]: keyDocument(forged, victim),
      [victim]: actor(victim, [{ id: `${victim}#main-key`, owner: victim }]),
    });
    await expect(confirmedKeyLoader(inner, contextLoader)(forged)).rejects.toBeInstanceOf(UnconfirmedKeyError);
    expect(inner.fetched).toEqual([forged, victim]);
  });

  it("accepts a key on another origin when the owner's own document lists it", async () => {
    const hosted = 'https://keys.example/k/1';
    const inner = loaderOf({
      [hosted]: keyDocument(hosted, victim),
      [victim]: actor(victim, [{ id: hosted, owner: victim }]),
    });
    const remote = await confirmedKeyLoader(inner, contextLoader)(hosted);
    expect((remote.document as { id: string }).id).toBe(hosted);
  });

  it('refuses an actor document that embeds a key it claims for an actor elsewhere', async () => {
    const inner = loaderOf({
      [evil]: actor(evil, [{ id: `${evil}#key`, owner: victim }]),
      [victim]: actor(victim, [{ id: `${victim}#main-key`, owner: victim }]),
    });
    await expect(confirmedKeyLoader(inner, contextLoader)(`${evil}#key`)).rejects.toBeInstanceOf(UnconfirmedKeyError);
  });

  it('refuses a Multikey (integrity proofs) whose controller is an actor elsewhere, and passes one on its origin', async () => {
    const { publicKey } = (await crypto.subtle.generateKey('Ed25519', true, [
      'sign',
      'verify',
    ])) as webcrypto.CryptoKeyPair;
    const multikey = async (id: string) =>
      new Multikey({ id: new URL(id), controller: new URL(victim), publicKey }).toJsonLd({ contextLoader });
    const forged = 'https://evil.example/keys/ed';
    const refused = loaderOf({ [forged]: await multikey(forged), [victim]: actor(victim, []) });
    await expect(confirmedKeyLoader(refused, contextLoader)(forged)).rejects.toBeInstanceOf(UnconfirmedKeyError);
    const onOrigin = loaderOf({ 'https://victim.example/keys/ed': await multikey('https://victim.example/keys/ed') });
    const remote = await confirmedKeyLoader(onOrigin, contextLoader)('https://victim.example/keys/ed');
    expect((remote.document as { id: string }).id).toBe('https://victim.example/keys/ed');
  });

  it('refuses when the claimed owner cannot be fetched, and leaves other documents alone', async () => {
    const forged = 'https://evil.example/keys/forged';
    const note = { '@context': AS, id: 'https://evil.example/notes/1', type: 'Note', content: 'hi' };
    const inner = loaderOf({ [forged]: keyDocument(forged, victim), [note.id]: note });
    const loader = confirmedKeyLoader(inner, contextLoader);
    await expect(loader(forged)).rejects.toBeInstanceOf(UnconfirmedKeyError);
    expect((await loader(note.id)).document).toBe(note);
  });
});
