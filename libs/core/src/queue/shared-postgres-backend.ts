import { EventEmitter } from 'node:events';
import { type BackendFactory, PostgresConnection, PostgresQueueBackend } from 'bullmq';

/** The connection options BullMQ's PostgreSQL backend takes (a pool config with `schema`, `migrate`, …). */
type PostgresConnectionOptions = ConstructorParameters<typeof PostgresConnection>[0];

/** Events a PostgresConnection emits that its backend listens to. */
const FORWARDED_EVENTS = ['error', 'ready', 'close', 'listenerinvalidated'] as const;

const SERIALISED = Symbol('guildhall.serialised');

type ListenClient = Awaited<ReturnType<PostgresConnection['getListenClient']>>;

/**
 * The shared LISTEN client, made safe for several backends: each worker subscribes on it at start
 * (`LISTEN` from each at once), which `pg` runs in turn but deprecates; queue them ourselves. Every
 * worker also waits on it (one 'notification' listener each). Patched once per client (a dropped
 * client is rebuilt by PostgresConnection, and the new one is patched on its first use).
 */
function serialised(client: ListenClient): ListenClient {
  const patched = client as ListenClient & { [SERIALISED]?: true };
  if (patched[SERIALISED]) return client;
  patched[SERIALISED] = true;
  (client as unknown as EventEmitter).setMaxListeners(0);
  const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
  let tail: Promise<unknown> = Promise.resolve();
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const run = tail.then(() => query(...args));
    tail = run.catch(() => undefined);
    return run;
  };
  return client;
}

/** One PostgresConnection (a pg pool and one LISTEN client) and the leases on it. */
interface Shared {
  connection: PostgresConnection;
  leases: number;
}

/**
 * A backend's view of the shared connection: what PostgresQueueBackend uses of its connection,
 * delegated, except that closing it releases this lease and closes the shared connection only when
 * the last lease goes. Events of the shared connection are forwarded to it while it is held.
 */
class ConnectionLease extends EventEmitter {
  private released = false;
  private readonly forwarders = FORWARDED_EVENTS.map(
    (event) => [event, (...args: unknown[]) => this.emit(event, ...args)] as const,
  );

  constructor(
    private readonly shared: Shared,
    private readonly release: () => Promise<void>,
  ) {
    super();
    for (const [event, forward] of this.forwarders) shared.connection.on(event, forward);
  }

  get pool() {
    return this.shared.connection.pool;
  }

  get schema() {
    return this.shared.connection.schema;
  }

  get hasListenClientKeepAlive() {
    return this.shared.connection.hasListenClientKeepAlive;
  }

  get isClosing() {
    return this.released || Boolean(this.shared.connection.isClosing);
  }

  waitUntilReady() {
    return this.shared.connection.waitUntilReady();
  }

  async getListenClient() {
    return serialised(await this.shared.connection.getListenClient());
  }

  /** The LISTEN connection is shared by every worker of the process: it keeps the name it has. */
  setListenClientName(): Promise<void> {
    return Promise.resolve();
  }

  async close(): Promise<void> {
    if (this.released) return;
    this.released = true;
    for (const [event, forward] of this.forwarders) this.shared.connection.off(event, forward);
    await this.release();
    this.emit('close');
  }

  disconnect(): Promise<void> {
    return this.close();
  }
}

/**
 * A BullMQ backend factory for PostgreSQL whose Queues and Workers share one connection per
 * process (per distinct connection options): one `pg` pool of `max` clients and one LISTEN client,
 * where BullMQ's own `createPostgresBackend` opens a pool and a LISTEN client for every Queue and
 * every Worker (docs/adr/0014). The connection opens with the first backend and closes with the
 * last. BullMQ's `getWorkers()` cannot tell workers apart on it (they share one LISTEN client).
 */
export function createSharedPostgresBackendFactory(): BackendFactory {
  const shared = new Map<string, Shared>();
  const factory = (name: string, opts: { connection?: unknown }) => {
    const options = opts.connection as PostgresConnectionOptions;
    const key = JSON.stringify(options);
    let entry = shared.get(key);
    if (!entry) {
      const connection = new PostgresConnection(options);
      connection.setMaxListeners(0); // a lease per Queue and Worker listens to it
      entry = { connection, leases: 0 };
      shared.set(key, entry);
    }
    const held = entry;
    held.leases += 1;
    const lease = new ConnectionLease(held, async () => {
      held.leases -= 1;
      if (held.leases > 0) return;
      if (shared.get(key) === held) shared.delete(key);
      await held.connection.close();
    });
    return new PostgresQueueBackend(lease as unknown as PostgresConnection, name, opts as never, true);
  };
  return factory;
}
