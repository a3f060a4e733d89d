import { createHash, KeyObject, sign, webcrypto } from 'node:crypto';

/** What signs a delivery: the key's id (`…#main-key`) and the RSA private key, parsed once. */
export interface SigningKey {
  keyId: string;
  privateKey: KeyObject;
}

/** The draft-cavage `Digest` header of a body: computed once per activity, not per inbox. */
export const bodyDigest = (body: string | Buffer): string =>
  `SHA-256=${createHash('sha256').update(body).digest('base64')}`;

/**
 * Signatures in flight on the libuv threadpool (4 threads by default), per process: enough to keep
 * it busy, few enough that a job of 1,000 inboxes does not queue 1,000 signatures before the
 * first POST can go out (the answers of the first would wait behind the dispatch of the rest), nor
 * hold the threadpool's DNS lookups and file reads behind them.
 */
const MAX_SIGNING = 8;
let signing = 0;
const waiting: (() => void)[] = [];

/** RSASSA-PKCS1-v1_5 SHA-256 on the libuv threadpool (node:crypto's callback form). */
async function rsaSha256(data: Buffer, key: KeyObject): Promise<Buffer> {
  if (signing >= MAX_SIGNING) await new Promise<void>((resolve) => waiting.push(resolve));
  signing += 1;
  try {
    return await new Promise<Buffer>((resolve, reject) =>
      sign('sha256', data, key, (error, signature) => (error ? reject(error) : resolve(signature))),
    );
  } finally {
    signing -= 1;
    waiting.shift()?.();
  }
}

const SIGNED = '(request-target) host date digest content-type';

/**
 * Draft-cavage HTTP signature headers for a POST of a body (given by its `digest`) to `inbox`, as
 * Mastodon verifies them: `(request-target) host date digest content-type` signed with
 * RSASSA-PKCS1-v1_5 SHA-256. Made at send time (each retry signs again, so a signature never
 * outlives its Date). Signs with node:crypto on the threadpool with a KeyObject parsed once:
 * WebCrypto's per-call checks and copies cost about as much main-thread time again (bench:fanout).
 */
export async function signedPostHeaders(
  inbox: URL,
  digest: string,
  key: SigningKey,
  now = new Date(),
): Promise<Record<string, string>> {
  const host = inbox.host;
  const date = now.toUTCString();
  const signingString =
    `(request-target): post ${inbox.pathname}${inbox.search}\nhost: ${host}\ndate: ${date}\n` +
    `digest: ${digest}\ncontent-type: application/activity+json`;
  const signature = await rsaSha256(Buffer.from(signingString), key.privateKey);
  return {
    host,
    date,
    digest,
    'content-type': 'application/activity+json',
    signature: `keyId="${key.keyId}",algorithm="rsa-sha256",headers="${SIGNED}",signature="${signature.toString('base64')}"`,
  };
}

/**
 * The KeyObject of a WebCrypto private key (ActorKeyService caches CryptoKeys; they are extractable,
 * as Node 24 deprecates converting others), converted once per CryptoKey: the map forgets it when
 * that cache drops the key.
 */
const keyObjects = new WeakMap<webcrypto.CryptoKey, KeyObject>();

export function keyObjectOf(key: webcrypto.CryptoKey): KeyObject {
  let object = keyObjects.get(key);
  if (!object) {
    object = KeyObject.from(key);
    keyObjects.set(key, object);
  }
  return object;
}
