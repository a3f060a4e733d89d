import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startRuntime } from '@guildhall/core';
import { LOG_IN } from './utils/factories';
import {
  embeddedUrl,
  freePort,
  serve,
  signUpOn,
  tableContents,
  uploadPng,
  type Member,
  type Served,
} from './utils/instance';
import { cleanEnv, run } from './utils/spawn';
import { testEnv } from './utils/test-app';

const guildhall = (env: NodeJS.ProcessEnv, ...args: string[]) => run(['dist/apps/cli/main.js', ...args], env, 120_000);

interface Populated {
  ana: Member;
  ben: Member;
  anaKeyPem: string;
  closedPeriod: string;
}

/** Accounts, posts with media, follows, likes, members and a closed period (the ledger has hashes). */
async function populate(server: Served, db: Client): Promise<Populated> {
  const [admin, ana, ben] = [await signUpOn(server), await signUpOn(server), await signUpOn(server)];
  await db.query(`UPDATE users SET role = 'admin' WHERE account_id = $1`, [admin.id]);
  for (const member of [ana, ben]) {
    await server.gql('mutation { applyForMembership { status } }', {}, member.token);
    await server.gql(
      'mutation($h: String!) { admitMember(handle: $h) { status } }',
      { h: member.username },
      admin.token,
    );
  }
  await db.query(`UPDATE coop_members SET joined_at = now() - interval '30 days'`);
  await server.gql('mutation { closePeriod { result } }', {}, admin.token);
  const media = [await uploadPng(server, ana, 3), await uploadPng(server, ana, 5)];
  const post = async (who: Member, content: string, mediaIds: string[] = []) =>
    (
      await server.gql<{ createPost: { id: string } }>(
        'mutation($i: CreatePostInput!) { createPost(input: $i) { id } }',
        { i: { content, mediaIds } },
        who.token,
      )
    ).createPost.id;
  const anas = await post(ana, 'two squares', media);
  const bens = await post(ben, `hello @${ana.username}`);
  await server.gql('mutation($h: String!) { follow(handle: $h) { state } }', { h: ana.username }, ben.token);
  await server.gql('mutation($h: String!) { follow(handle: $h) { state } }', { h: ben.username }, ana.token);
  await server.gql('mutation($id: ID!) { likePost(id: $id) { id } }', { id: anas }, ben.token);
  await server.gql('mutation($id: ID!) { likePost(id: $id) { id } }', { id: bens }, ana.token);
  await server.gql(
    'mutation($i: RecordPaymentInput!) { recordRevenue(input: $i) { id } }',
    { i: { amountCents: 500_000, memo: 'subscription', memberHandle: ben.username } },
    admin.token,
  );
  const closed = await server.gql<{ closePeriod: { result: { period: string } } }>(
    'mutation { closePeriod { result } }',
    {},
    admin.token,
  );
  // Serving the actor document opens its private keys (Fedify's key-pairs dispatcher), generating them first.
  const anaKeyPem = await actorKey(server, ana.username);
  return { ana, ben, anaKeyPem, closedPeriod: closed.closePeriod.result.period };
}

async function actorKey(server: Served, username: string): Promise<string> {
  const res = await server.get(`/users/${username}`, 'application/activity+json');
  if (res.status !== 200) throw new Error(`actor ${username}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { publicKey: { publicKeyPem: string } }).publicKey.publicKeyPem;
}

/** Every media file under DATA_DIR/media with its bytes (base64). */
function mediaFiles(dataDir: string): Map<string, string> {
  const root = join(dataDir, 'media');
  const paths = readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((path) => statSync(join(root, path)).isFile())
    .sort();
  return new Map(paths.map((path) => [path, readFileSync(join(root, path)).toString('base64')]));
}

/** The suite's environment for a spawned server or command, without the test secrets: DATA_DIR keeps them. */
function envFor(databaseUrl: string | undefined, dataDir: string, port: number, extra: NodeJS.ProcessEnv = {}) {
  const { JWT_SECRET: _jwt, FEDERATION_KEY_SECRET: _key, DATABASE_URL: _db, ...base } = testEnv();
  return cleanEnv({
    ...base,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    DATA_DIR: dataDir,
    PORT: String(port),
    QUEUE_PREFIX: `${base.QUEUE_PREFIX}-${port}`,
    ...extra,
  });
}

describe('guildhall backup and restore with DATABASE_URL (e2e, real PostgreSQL)', () => {
  const name = process.env.TEST_DATABASE_NAME!;
  const urlOf = (suffix: string) => {
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = `/${name}_${suffix}`;
    return url.toString();
  };
  const [src, dst, empty] = [urlOf('bsrc'), urlOf('bdst'), urlOf('bempty')];
  let admin: Client;
  let root: string;
  let srcDir: string;
  let dstDir: string;
  let backupDir: string;

  beforeAll(async () => {
    admin = new Client({ connectionString: process.env.TEST_DATABASE_ADMIN_URL });
    await admin.connect();
    for (const suffix of ['bsrc', 'bdst', 'bempty']) await admin.query(`CREATE DATABASE ${name}_${suffix}`);
    root = mkdtempSync(join(tmpdir(), 'guildhall-backup-'));
    [srcDir, dstDir, backupDir] = [join(root, 'src'), join(root, 'dst'), join(root, 'backup')];
  });
  afterAll(async () => {
    for (const suffix of ['bsrc', 'bdst', 'bempty']) {
      await admin.query(`DROP DATABASE IF EXISTS ${name}_${suffix} WITH (FORCE)`);
    }
    await admin.end();
    rmSync(root, { recursive: true, force: true });
  });

  let populated: Populated;
  let serverMajor: number;

  it('backs up a live instance and restores it into a new database and DATA_DIR: every table row for row, the ledger, the media, the secrets', async () => {
    const srcEnv = envFor(src, srcDir, await freePort());
    const server = await serve(srcEnv);
    const db = new Client({ connectionString: src });
    await db.connect();
    try {
      populated = await populate(server, db);
      serverMajor = Math.floor(
        Number((await db.query<{ server_version_num: string }>('SHOW server_version_num')).rows[0].server_version_num) /
          10_000,
      );
      const backup = await guildhall(srcEnv, 'backup', backupDir);
      expect(backup.stderr).toBe('');
      expect(backup.code).toBe(0);
      const summary = JSON.parse(backup.stdout) as {
        database: { kind: string; serverMajor: number; tool: string };
        media: object;
      };
      expect(summary.database.kind).toBe('pg_dump');
      expect(summary.database.serverMajor).toBe(serverMajor);
      expect(summary.database.tool).toMatch(new RegExp(`^pg_dump \\(PostgreSQL\\) ${serverMajor}\\.`));
      // Two uploads: each an original and its preview.
      expect(summary.media).toEqual({ files: 4, referenced: 4 });
    } finally {
      await db.end();
      await server.stop();
    }

    const dstEnv = envFor(dst, dstDir, await freePort());
    const restored = await guildhall(dstEnv, 'restore', backupDir);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(JSON.parse(restored.stdout)).toMatchObject({ kind: 'pg_dump', mediaFiles: 4 });

    const [before, after] = [await tableContents(src), await tableContents(dst)];
    expect([...after.keys()]).toEqual([...before.keys()]);
    expect(before.size).toBeGreaterThanOrEqual(30);
    for (const [table, rows] of before) expect({ table, rows: after.get(table) }).toEqual({ table, rows });
    expect(before.get('media_attachments')).toHaveLength(2);
    expect(before.get('likes')).toHaveLength(2);
    expect(before.get('follows')).toHaveLength(2);
    expect(before.get('actor_keys')!.length).toBeGreaterThanOrEqual(1);
    const hashes = async (url: string) => {
      const db = new Client({ connectionString: url });
      await db.connect();
      const { rows } = await db.query<{ input_hash: string; output_hash: string }>(
        `SELECT input_hash, output_hash FROM coop_periods WHERE id = $1 AND status = 'closed'`,
        [populated.closedPeriod],
      );
      await db.end();
      return rows;
    };
    const sourceHashes = await hashes(src);
    expect(sourceHashes).toEqual([
      { input_hash: expect.stringMatching(/^[0-9a-f]{64}$/), output_hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
    expect(await hashes(dst)).toEqual(sourceHashes);
    const verified = await guildhall(dstEnv, 'coop', 'verify');
    expect((JSON.parse(verified.stdout) as { ok: boolean }).ok).toBe(true);
    expect(verified.code).toBe(0);

    const media = mediaFiles(srcDir);
    expect(media.size).toBe(4);
    expect(mediaFiles(dstDir)).toEqual(media);
    expect(readFileSync(join(dstDir, 'secrets.json'), 'utf8')).toBe(readFileSync(join(srcDir, 'secrets.json'), 'utf8'));

    // The restored server: the same password signs the same account in, the same actor keys open.
    const again = await serve(dstEnv);
    try {
      const { logIn } = await again.gql<{ logIn: { account: { id: string; handle: string } } }>(LOG_IN, {
        input: { usernameOrEmail: populated.ana.username, password: populated.ana.password },
      });
      expect(logIn.account).toEqual({ id: populated.ana.id, handle: populated.ana.username });
      expect(await actorKey(again, populated.ana.username)).toBe(populated.anaKeyPem);
    } finally {
      await again.stop();
    }
  }, 240_000);

  it('refuses a target that is not empty, and changes nothing', async () => {
    const dstEnv = envFor(dst, dstDir, await freePort());
    const before = await tableContents(dst);
    const again = await guildhall(dstEnv, 'restore', backupDir);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(
      /^guildhall: the target is not empty \(the database holds \d+ relation\(s\); .*secrets\.json exists\)/,
    );
    expect(await tableContents(dst)).toEqual(before);
  }, 60_000);

  it('with --force replaces what the target holds, leaving exactly the backed-up state', async () => {
    const db = new Client({ connectionString: dst });
    await db.connect();
    try {
      await db.query('CREATE TABLE stray (x int)');
      await db.query('DELETE FROM likes');
    } finally {
      await db.end();
    }
    writeFileSync(join(dstDir, 'media', 'stray.png'), 'not from the backup');
    const forced = await guildhall(envFor(dst, dstDir, await freePort()), 'restore', '--force', backupDir);
    expect(forced.stderr).toBe('');
    expect(forced.code).toBe(0);
    expect(await tableContents(dst)).toEqual(await tableContents(src));
    expect(mediaFiles(dstDir)).toEqual(mediaFiles(srcDir));
  }, 90_000);

  it('refuses a backup whose bytes differ from its manifest before it touches the target', async () => {
    const copy = join(root, 'tampered');
    cpSync(backupDir, copy, { recursive: true });
    const [path] = [...mediaFiles(copy).keys()];
    const file = join(copy, 'media', path);
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(file, bytes);
    const target = join(root, 'untouched');
    const refused = await guildhall(envFor(empty, target, await freePort()), 'restore', copy);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `does not match its manifest (1 problem(s)); nothing was restored:\nmedia/${path}: expected sha256`,
    );
    expect(existsSync(target)).toBe(false);
    expect((await tableContents(empty)).size).toBe(0);
  }, 60_000);

  it('refuses to dump with a pg_dump of another major version than the server, and writes no manifest', async () => {
    const bin = join(root, 'bin');
    mkdirSync(bin);
    const older = serverMajor - 1;
    writeFileSync(join(bin, 'pg_dump'), `#!/bin/sh\necho "pg_dump (PostgreSQL) ${older}.9"\n`);
    chmodSync(join(bin, 'pg_dump'), 0o755);
    const dir = join(root, 'mismatched');
    const refused = await guildhall(envFor(src, srcDir, await freePort(), { POSTGRES_BIN_DIR: bin }), 'backup', dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `guildhall: the database server is PostgreSQL ${serverMajor} but no pg_dump ${serverMajor} was found ` +
        `(found: ${bin}/pg_dump: pg_dump (PostgreSQL) ${older}.9). Install the PostgreSQL ${serverMajor} client ` +
        `tools (Debian: postgresql-client-${serverMajor}) or set POSTGRES_BIN_DIR to the directory that holds them.\n`,
    );
    expect(existsSync(dir)).toBe(false);
  }, 60_000);
});

describe('guildhall backup and restore of the embedded PostgreSQL (e2e, the default setup)', () => {
  let root: string;
  let srcDir: string;
  let dstDir: string;
  let backupDir: string;
  const ports = { src: 0, dst: 0 };

  /** Both clusters, each started alone (no server writing), read table by table. */
  const contentsOf = async (dataDir: string, port: number) => {
    const runtime = await startRuntime({
      DATA_DIR: dataDir,
      EMBEDDED_POSTGRES_PORT: String(port),
      LOG_LEVEL: 'silent',
    });
    try {
      return await tableContents(runtime.config.databaseUrl);
    } finally {
      await runtime.shutdown();
    }
  };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'guildhall-backup-embedded-'));
    chmodSync(root, 0o755); // PostgreSQL runs as the postgres user when we are root
    [srcDir, dstDir, backupDir] = [join(root, 'src'), join(root, 'dst'), join(root, 'backup')];
    [ports.src, ports.dst] = [await freePort(), await freePort()];
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('copies the live cluster with the server’s own backup functions and restores it into a new DATA_DIR, row for row', async () => {
    const srcEnv = envFor(undefined, srcDir, await freePort(), { EMBEDDED_POSTGRES_PORT: String(ports.src) });
    delete srcEnv.REDIS_URL; // the default setup: queues in the embedded database too
    const server = await serve(srcEnv);
    let populated: Populated;
    try {
      const db = new Client({ connectionString: embeddedUrl(srcDir, ports.src) });
      await db.connect();
      try {
        populated = await populate(server, db);
      } finally {
        await db.end();
      }
      const backup = await guildhall(srcEnv, 'backup', backupDir);
      expect(backup.stderr).toBe('');
      expect(backup.code).toBe(0);
      const summary = JSON.parse(backup.stdout) as { database: { kind: string; serverMajor: number }; media: object };
      expect(summary.database).toMatchObject({ kind: 'embedded-base-backup', serverMajor: 18 });
      // Two uploads: each an original and its preview.
      expect(summary.media).toEqual({ files: 4, referenced: 4 });
    } finally {
      await server.stop();
    }

    const dstEnv = envFor(undefined, dstDir, await freePort(), { EMBEDDED_POSTGRES_PORT: String(ports.dst) });
    delete dstEnv.REDIS_URL;
    const restored = await guildhall(dstEnv, 'restore', backupDir);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(JSON.parse(restored.stdout)).toMatchObject({ kind: 'embedded-base-backup', mediaFiles: 4 });

    const before = await contentsOf(srcDir, ports.src);
    const after = await contentsOf(dstDir, ports.dst);
    expect([...after.keys()]).toEqual([...before.keys()]);
    expect(before.size).toBeGreaterThanOrEqual(30);
    for (const [table, rows] of before) expect({ table, rows: after.get(table) }).toEqual({ table, rows });
    expect(before.get('media_attachments')).toHaveLength(2);
    expect(before.get('coop_periods')!.filter((row) => row.includes(populated.closedPeriod))).toHaveLength(1);
    const verified = await guildhall(dstEnv, 'coop', 'verify');
    expect((JSON.parse(verified.stdout) as { ok: boolean }).ok).toBe(true);
    expect(mediaFiles(dstDir)).toEqual(mediaFiles(srcDir));
    expect(readFileSync(join(dstDir, 'secrets.json'), 'utf8')).toBe(readFileSync(join(srcDir, 'secrets.json'), 'utf8'));

    const again = await serve(dstEnv);
    try {
      const { logIn } = await again.gql<{ logIn: { account: { id: string; handle: string } } }>(LOG_IN, {
        input: { usernameOrEmail: populated.ana.username, password: populated.ana.password },
      });
      expect(logIn.account).toEqual({ id: populated.ana.id, handle: populated.ana.username });
      expect(await actorKey(again, populated.ana.username)).toBe(populated.anaKeyPem);
    } finally {
      await again.stop();
    }

    // A second restore into the same DATA_DIR is refused: it is no longer empty.
    const twice = await guildhall(dstEnv, 'restore', backupDir);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/^guildhall: DATA_DIR is not empty \(.*postgres exists; .*secrets\.json exists\)/);
  }, 420_000);
});
