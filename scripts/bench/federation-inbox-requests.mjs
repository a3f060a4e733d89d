// The signed inbox POSTs of `npm run bench:inbox`: request n is a `Like` by remote actor
// n % actors of local post floor(n / actors) (likes are unique per account and post, so every
// accepted request can add one like), with an id of its own (inbox idempotency dedupes by id),
// signed draft-cavage by its actor's RSA-2048 key. Built here, in worker threads when many: as a
// module it exports the builder and `signRequests`; as a worker it signs the range it is given.
import { createPrivateKey } from 'node:crypto';
import { cpus } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { AS_CONTEXT, signedPostHeaders } from './federation-common.mjs';

/**
 * context: { remoteOrigin, actors: [{ id, keyId, privateKeyPem }], postUris, host, path };
 * keys: the actors' private KeyObjects (parsed once per thread).
 */
export function likeRequest(n, context, keys) {
  const actor = n % context.actors.length;
  const post = Math.floor(n / context.actors.length);
  if (post >= context.postUris.length)
    throw new Error(`request ${n} needs post ${post}: only ${context.postUris.length}`);
  const body = JSON.stringify({
    '@context': AS_CONTEXT,
    id: `${context.remoteOrigin}/likes/${n}`,
    type: 'Like',
    actor: context.actors[actor].id,
    object: context.postUris[post],
  });
  const headers = signedPostHeaders({
    host: context.host,
    path: context.path,
    body,
    keyId: context.actors[actor].keyId,
    privateKey: keys[actor],
  });
  return { n, body, headers };
}

const parseKeys = (context) => context.actors.map((actor) => createPrivateKey(actor.privateKeyPem));

/** Requests [from, from + count) signed, in order; on `threads` worker threads when count is large. */
export async function signRequests(context, from, count, threads = Math.max(1, Math.min(cpus().length, 4))) {
  if (count <= 0) return [];
  if (count < 500 || threads === 1) {
    const keys = parseKeys(context);
    return Array.from({ length: count }, (_, i) => likeRequest(from + i, context, keys));
  }
  const per = Math.ceil(count / threads);
  const parts = await Promise.all(
    Array.from({ length: threads }, (_, t) => {
      const start = from + t * per;
      const size = Math.min(per, from + count - start);
      if (size <= 0) return [];
      return new Promise((resolve, reject) => {
        const worker = new Worker(new URL(import.meta.url), { workerData: { context, from: start, count: size } });
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.once('exit', (code) => code !== 0 && reject(new Error(`signing thread exited with ${code}`)));
      });
    }),
  );
  return parts.flat();
}

if (!isMainThread && parentPort && workerData?.context) {
  const { context, from, count } = workerData;
  const keys = parseKeys(context);
  parentPort.postMessage(Array.from({ length: count }, (_, i) => likeRequest(from + i, context, keys)));
}
