import type { EntityManager } from 'typeorm';

/**
 * Statements a close leaves running in the server while this process computes. Node writes a
 * socket from its event loop, so a statement is only sure to reach the server whole once the
 * loop has run: `whenSent` waits for that before a long synchronous computation.
 */

/** What whenSent reads of a node-postgres client: its socket. */
interface PgClient {
  connection?: { stream?: { writableLength?: number; destroyed?: boolean } };
}

/**
 * Resolves once the query just issued on `manager`'s connection has been handed to the
 * operating system whole. Without a reachable socket it resolves a macrotask later (correct
 * either way: only the overlap is lost).
 */
export async function whenSent(manager: EntityManager): Promise<void> {
  // pg submits a query a few microtasks after manager.query(): a macrotask later it is written.
  await nextTurn();
  const client = (manager.queryRunner as { databaseConnection?: PgClient } | undefined)?.databaseConnection;
  const stream = client?.connection?.stream;
  if (!stream || typeof stream.writableLength !== 'number') return;
  while (stream.writableLength > 0 && !stream.destroyed) await nextTurn();
}

/**
 * `promise`, marked handled now so that a rejection while this process is busy elsewhere is not
 * an unhandled rejection; the caller awaits it later and gets the rejection then.
 */
export function settledLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
