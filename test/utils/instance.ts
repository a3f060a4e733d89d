import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { png } from '../fixtures/images';
import { SIGN_UP } from './factories';
import { start } from './spawn';
import { uniqueName } from './test-app';

/** Helpers for suites that drive a spawned, built server (npm run build first) over HTTP. */

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export interface Served {
  port: number;
  stop(signal?: NodeJS.Signals): Promise<void>;
  output(): string;
  gql<T = Record<string, unknown>>(query: string, variables?: object, token?: string): Promise<T>;
  get(path: string, accept?: string): Promise<Response>;
}

/** Starts the built server with `env` (PORT among it) and waits for /health. */
export async function serve(env: NodeJS.ProcessEnv, args: string[] = []): Promise<Served> {
  const port = Number(env.PORT);
  const server = start(['dist/apps/server/main.js', ...args], env);
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  await until(async () => ((await fetch(`http://127.0.0.1:${port}/health`)).ok ? true : undefined), 'health').catch(
    (error: Error) => {
      server.child.kill('SIGKILL');
      throw new Error(`${error.message}\n${server.output()}`);
    },
  );
  return {
    port,
    output: server.output,
    stop: async (signal = 'SIGTERM') => {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill(signal);
      await exited;
    },
    gql: async <T>(query: string, variables: object = {}, token?: string): Promise<T> => {
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: T; errors?: unknown[] };
      if (!body.data || body.errors) throw new Error(`${query}: ${JSON.stringify(body.errors)}`);
      return body.data;
    },
    get: (path, accept = 'application/json') => fetch(`http://127.0.0.1:${port}${path}`, { headers: { accept } }),
  };
}

export interface Member {
  id: string;
  username: string;
  password: string;
  token: string;
}

export async function signUpOn(server: Served): Promise<Member> {
  const username = uniqueName();
  const password = 'correct horse battery staple';
  const { signUp } = await server.gql<{ signUp: { token: string; account: { id: string } } }>(SIGN_UP, {
    input: { username, email: `${username}@example.org`, password },
  });
  return { id: signUp.account.id, username, password, token: signUp.token };
}

export async function uploadPng(server: Served, who: Member, size: number): Promise<string> {
  const form = new FormData();
  form.append('description', `a ${size} px square`);
  form.append('file', new Blob([new Uint8Array(png(size, size))], { type: 'image/png' }), 'x.png');
  const res = await fetch(`http://127.0.0.1:${server.port}/api/v1/media`, {
    method: 'POST',
    headers: { authorization: `Bearer ${who.token}` },
    body: form,
  });
  if (res.status !== 200) throw new Error(`upload: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** Every base table of the public schema with its rows as text, in order: two databases compare row for row. */
export async function tableContents(url: string): Promise<Map<string, string[]>> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const tables = await db.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    const contents = new Map<string, string[]>();
    for (const { name } of tables.rows) {
      const rows = await db.query<{ r: string }>(`SELECT t::text AS r FROM "${name}" t ORDER BY 1`);
      contents.set(
        name,
        rows.rows.map((row) => row.r),
      );
    }
    return contents;
  } finally {
    await db.end();
  }
}

/** The URL of an embedded cluster in `dataDir` listening on `port` (its password is DATA_DIR/postgres.secret). */
export function embeddedUrl(dataDir: string, port: number): string {
  const password = readFileSync(join(dataDir, 'postgres.secret'), 'utf8').trim();
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/guildhall`;
}
