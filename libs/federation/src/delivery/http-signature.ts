import { createHash, webcrypto } from 'node:crypto';

/**
 * Draft-cavage HTTP signature headers for a POST of `body` to `inbox`, as Mastodon verifies them:
 * `(request-target) host date digest content-type` signed with RSASSA-PKCS1-v1_5 SHA-256. Made at
 * send time (each retry signs again, so a signature never outlives its Date). WebCrypto signs on
 * the libuv threadpool, so deliveries in flight use every core.
 */
export async function signedPostHeaders(
  inbox: URL,
  body: string,
  key: { keyId: string; privateKey: webcrypto.CryptoKey },
  now = new Date(),
): Promise<Record<string, string>> {
  const headers: Record<string, string> = {
    host: inbox.host,
    date: now.toUTCString(),
    digest: `SHA-256=${createHash('sha256').update(body).digest('base64')}`,
    'content-type': 'application/activity+json',
  };
  const target = `post ${inbox.pathname}${inbox.search}`;
  const signingString = [
    `(request-target): ${target}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ].join('\n');
  const signature = await webcrypto.subtle.sign(
    'RSASSA-PKCS1-v1_5',
    key.privateKey,
    new TextEncoder().encode(signingString),
  );
  return {
    ...headers,
    signature:
      `keyId="${key.keyId}",algorithm="rsa-sha256",headers="(request-target) host date digest content-type",` +
      `signature="${Buffer.from(signature).toString('base64')}"`,
  };
}
