import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import {
  canonicalJson,
  ContributionReconciler,
  LedgerVerifier,
  PeriodService,
  type ReconciliationReport,
} from '@guildhall/coop';
import { internalSnapshot, publishedParts, setPublishedParts, unfrozen } from './utils/coop';
import { signUp, type SignedUp } from './utils/factories';
import { freshDatabase } from './utils/fresh-database';
import { cleanEnv, run } from './utils/spawn';
import { createTestApp, type TestApp } from './utils/test-app';

type Report = { ok: boolean; contributions: ReconciliationReport };
type EventRow = { id: string; type: string; member_id: string | null; actor: string | null; object: string | null };

/**
 * `guildhall coop verify` reconciles the open period's contributions with what members did, and
 * `--repair` records what was lost under the recorder's own ids. Its own database: verify's
 * verdict covers every member and post, so no other suite's activity may be in it.
 */
describe('cooperative contribution reconciliation (e2e)', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let t: TestApp;
  let db: DataSource;
  let dir: string;
  let admin: SignedUp;
  let ana: SignedUp;
  let ben: SignedUp;
  let likeId: string;
  let stored: EventRow;

  const gql = async <T>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> => {
    const res = await t.gql<T>(query, variables, token);
    if (!res.data || res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  const verify = async (...flags: string[]) => {
    const result = await run(
      ['dist/apps/cli/main.js', 'coop', 'verify', ...flags],
      cleanEnv({ DATABASE_URL: database.url, DATA_DIR: dir }),
    );
    return { ...result, report: JSON.parse(result.stdout) as Report };
  };
  /** The same check in this process (a CLI run boots a whole context: seconds each). */
  const reconcile = (repair = false) => t.app.get(ContributionReconciler).reconcile({ repair });
  const eventRows = (id: string) =>
    db.query<EventRow[]>(`SELECT id, type, member_id, actor, object FROM coop_events WHERE id = $1`, [id]);

  beforeAll(async () => {
    database = await freshDatabase();
    t = await createTestApp({ DATABASE_URL: database.url });
    db = t.app.get(DataSource);
    dir = mkdtempSync(join(tmpdir(), 'guildhall-coop-reconcile-'));
    admin = await signUp(t);
    await db.query(`UPDATE users SET role = 'admin' WHERE account_id = $1`, [admin.account.id]);
    [ana, ben] = [await signUp(t), await signUp(t)];
    for (const member of [ana, ben]) {
      await gql('mutation { applyForMembership { status } }', {}, member.token);
      await gql('mutation($h: String!) { admitMember(handle: $h) { status } }', { h: member.username }, admin.token);
    }
    await gql('mutation { closePeriod { result } }', {}, admin.token);

    const { createPost } = await gql<{ createPost: { id: string } }>(
      'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }',
      { input: { content: 'worth a like', visibility: 'PUBLIC' } },
      ana.token,
    );
    await gql('mutation($id: ID!) { likePost(id: $id) { id } }', { id: createPost.id }, ben.token);
    [{ id: likeId }] = await db.query<{ id: string }[]>(`SELECT id FROM likes WHERE post_id = $1`, [createPost.id]);
    [stored] = await eventRows(`engaged:${likeId}`);
    expect(stored).toEqual({
      id: `engaged:${likeId}`,
      type: 'ENGAGED',
      member_id: ana.account.id,
      actor: ben.account.id,
      object: createPost.id,
    });
  });

  afterAll(async () => {
    await t?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes when every action has its contribution', async () => {
    const { code, stderr, report } = await verify();
    expect(stderr).toBe('');
    expect(report.ok).toBe(true);
    expect(report.contributions).toMatchObject({ ok: true, missing: [], reversalsMissing: [], unexpected: [] });
    expect(report.contributions.checked).toMatchObject({ posts: 1, likes: 1, payments: 0 });
    expect(code).toBe(0);
  }, 180_000);

  it('reports a lost contribution, --repair records it once, and verify passes again', async () => {
    await db.query(`DELETE FROM coop_events WHERE id = $1`, [`engaged:${likeId}`]);
    const lost = await verify();
    expect(lost.code).toBe(1);
    expect(lost.report.ok).toBe(false);
    expect(lost.report.contributions.missing).toEqual([
      {
        id: `engaged:${likeId}`,
        type: 'ENGAGED',
        member: `@${ana.username}`,
        cause: expect.stringContaining(`like ${likeId} by @${ben.username}`) as string,
      },
    ]);
    expect(lost.stderr).toContain(`missing ENGAGED engaged:${likeId} (@${ana.username}): like ${likeId}`);

    const repaired = await verify('--repair');
    expect(repaired.report.contributions.repaired).toEqual({ contributions: 1, reversals: 0 });
    expect(repaired.report.ok).toBe(true);
    expect(repaired.code).toBe(0);
    expect(await eventRows(`engaged:${likeId}`)).toEqual([stored]);

    const again = await reconcile(true);
    expect(again.repaired).toEqual({ contributions: 0, reversals: 0 });
    expect(await eventRows(`engaged:${likeId}`)).toEqual([stored]);
    expect(await reconcile()).toMatchObject({ ok: true, missing: [], undetermined: [] });
  }, 180_000);

  it('reports a lost reversal of an undone like, --repair records it once, and verify passes again', async () => {
    await gql('mutation($id: ID!) { unlikePost(id: $id) { id } }', { id: stored.object }, ben.token);
    const reversal = `reversal:engaged:${likeId}`;
    expect(await eventRows(reversal)).toHaveLength(1);
    expect((await reconcile()).ok).toBe(true);
    await db.query(`DELETE FROM coop_events WHERE id = $1`, [reversal]);

    const lost = await verify();
    expect(lost.code).toBe(1);
    expect(lost.report.contributions.reversalsMissing).toEqual([
      { id: reversal, cause: `like ${likeId} by @${ben.username} of post ${stored.object}: undone` },
    ]);
    expect(lost.stderr).toContain(`reversal missing ${reversal}`);

    const repaired = await verify('--repair');
    expect(repaired.report.contributions.repaired).toEqual({ contributions: 0, reversals: 1 });
    expect(repaired.code).toBe(0);
    expect(await eventRows(reversal)).toHaveLength(1);
    expect((await reconcile(true)).repaired).toEqual({ contributions: 0, reversals: 0 });
    expect(await reconcile()).toMatchObject({ ok: true, reversalsMissing: [], undetermined: [] });
  }, 180_000);

  it('reports a contribution the rules do not give, and repairs nothing for it', async () => {
    // A like by a non-member: no ENGAGED is due; one recorded anyway is named.
    const { createPost } = await gql<{ createPost: { id: string } }>(
      'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }',
      { input: { content: 'liked by an outsider', visibility: 'PUBLIC' } },
      ana.token,
    );
    await gql('mutation($id: ID!) { likePost(id: $id) { id } }', { id: createPost.id }, admin.token);
    const [{ id }] = await db.query<{ id: string }[]>(`SELECT id FROM likes WHERE post_id = $1`, [createPost.id]);
    await db.query(
      `INSERT INTO coop_events (id, type, member_id, actor, object, snapshot_json) VALUES ($1, 'ENGAGED', $2, $3, $4, '{}')`,
      [`engaged:${id}`, ana.account.id, admin.account.id, createPost.id],
    );
    const report = await reconcile(true);
    expect(report.ok).toBe(false);
    expect(report.unexpected).toEqual([
      expect.objectContaining({ id: `engaged:${id}`, reason: 'not by an active member' }),
    ]);
    expect(report.repaired).toEqual({ contributions: 0, reversals: 0 });
    await db.query(`DELETE FROM coop_events WHERE id = $1`, [`engaged:${id}`]);
  });

  it('verify catches a published snapshot that is not the one derived from the recorded snapshot', async () => {
    const [{ id, original, head }] = await db.query<{ id: string; original: string; head: string }[]>(
      `SELECT p.id, (SELECT string_agg(part, '' ORDER BY n) FROM coop_published_parts WHERE period_id = p.id) AS original,
              p.published_snapshot::text AS head
         FROM coop_periods p WHERE p.status = 'closed' ORDER BY p.seq LIMIT 1`,
    );
    const verifier = t.app.get(LedgerVerifier);
    expect((await verifier.verify()).periods).toEqual([expect.objectContaining({ id, ok: true })]);
    const tampered = JSON.parse(original) as { money: { costs: number } };
    tampered.money.costs += 1;
    const parts = await publishedParts(db, id);
    const setText = (text: string) => setPublishedParts(db, id, [text]);
    const problemOf = async () => {
      const report = await verifier.verify();
      expect(report.ok).toBe(false);
      return report.periods.find((p) => p.id === id)?.problem;
    };
    try {
      await setText(JSON.stringify(tampered));
      expect(await problemOf()).toBe(
        'the published snapshot differs from the one derived from the stored internal snapshot',
      );
      // The parts as published, the row's copy of the head changed (pages read members there).
      await setText(original);
      const changedHead = JSON.parse(head) as { money: { revenue: number } };
      changedHead.money.revenue += 1;
      await unfrozen(db, () =>
        db.query(`UPDATE coop_periods SET published_snapshot = $2::json WHERE id = $1`, [
          id,
          JSON.stringify(changedHead),
        ]),
      );
      expect(await problemOf()).toBe("the period's stored members and parameters differ from its published snapshot");
    } finally {
      await setPublishedParts(db, id, parts);
      await unfrozen(db, () =>
        db.query(`UPDATE coop_periods SET published_snapshot = $2::json WHERE id = $1`, [id, head]),
      );
    }
    expect((await verifier.verify()).periods).toEqual([expect.objectContaining({ id, ok: true })]);
  });

  it("keeps a closed period's events where they were recorded, frozen, and verify reads them there", async () => {
    // The open period holds the post and the like of beforeAll.
    await gql('mutation { closePeriod { result } }', {}, admin.token);
    const [first, period] = await db.query<{ id: string; events: unknown; after: string; through: string }[]>(
      `SELECT id, snapshot->'events' AS events, snapshot_events_after::text AS after, events_through::text AS through
         FROM coop_periods WHERE status = 'closed' ORDER BY seq`,
    );
    // The row keeps the document without its events, and where they are (ADR 0070).
    expect(period.events).toEqual([]);
    expect(period.after).toBe(first.through);
    const counted = await db.query<{ id: string; json: string }[]>(
      `SELECT id, snapshot_json AS json FROM coop_events WHERE seq > $1 AND seq <= $2 ORDER BY seq`,
      [period.after, period.through],
    );
    expect(counted.map(({ id }) => id)).toEqual(expect.arrayContaining([`engaged:${likeId}`]));
    const internal = await internalSnapshot(t.app, period.id);
    expect(internal.events).toEqual(counted.map(({ json }) => JSON.parse(json) as unknown));

    const { id, json } = counted.find((e) => e.id === `engaged:${likeId}`)!;
    const frozen = /coop_events counted by a closed period are frozen/;
    await expect(db.query(`UPDATE coop_events SET snapshot_json = '{}' WHERE id = $1`, [id])).rejects.toThrow(frozen);
    await expect(db.query(`DELETE FROM coop_events WHERE id = $1`, [id])).rejects.toThrow(frozen);
    await expect(db.query(`TRUNCATE coop_events`)).rejects.toThrow(frozen);
    expect(await db.query(`SELECT snapshot_json AS json FROM coop_events WHERE id = $1`, [id])).toEqual([{ json }]);

    // Changed behind the database's back (its guard off), verify names the period.
    const verifier = t.app.get(LedgerVerifier);
    const tampered = { ...(JSON.parse(json) as Record<string, unknown>), object: 'tampered' };
    await unfrozen(db, async () => {
      await db.query(`UPDATE coop_events SET snapshot_json = $2 WHERE id = $1`, [id, canonicalJson(tampered)]);
      try {
        const report = await verifier.verify();
        expect(report.ok).toBe(false);
        expect(report.periods.find((p) => p.id === period.id)?.problem).toMatch(
          /^derived from the stored internal snapshot: inputHash [0-9a-f]{64} differs from the stored [0-9a-f]{64}$/,
        );
      } finally {
        await db.query(`UPDATE coop_events SET snapshot_json = $2 WHERE id = $1`, [id, json]);
      }
    });
    expect((await verifier.verify()).periods).toEqual([
      expect.objectContaining({ id: first.id, ok: true }),
      expect.objectContaining({ id: period.id, ok: true }),
    ]);
    // Events recorded since, in the open period, are not frozen yet.
    const [{ open }] = await db.query<{ open: string }[]>(
      `INSERT INTO coop_events (id, type, reverses, snapshot_json) VALUES ('reversal:probe', 'REVERSAL', 'x', '{}')
       RETURNING id AS open`,
    );
    await db.query(`DELETE FROM coop_events WHERE id = $1`, [open]);
    expect(await db.query(`SELECT id FROM coop_events WHERE id = $1`, [open])).toEqual([]);
  });
  it('freezes what a closed period stored: its row and its published parts (ADR 0072)', async () => {
    const [closed] = await db.query<{ id: string; row: string }[]>(
      `SELECT id, to_jsonb(p)::text AS row FROM coop_periods p WHERE status = 'closed' ORDER BY seq DESC LIMIT 1`,
    );
    const parts = await publishedParts(db, closed.id);
    expect(parts.length).toBeGreaterThan(0);
    const period = new RegExp(`closed period ${closed.id.replace(/\./g, '\\.')} is frozen: (UPDATE|DELETE) refused`);
    const stored = /the published parts of a closed period are frozen: (INSERT|UPDATE|DELETE) refused/;
    await expect(
      db.query(`UPDATE coop_periods SET output_hash = repeat('0', 64) WHERE id = $1`, [closed.id]),
    ).rejects.toThrow(period);
    await expect(db.query(`UPDATE coop_periods SET status = 'open' WHERE id = $1`, [closed.id])).rejects.toThrow(
      period,
    );
    await expect(db.query(`DELETE FROM coop_periods WHERE id = $1`, [closed.id])).rejects.toThrow(period);
    await expect(
      db.query(`UPDATE coop_published_parts SET part = 'x' WHERE period_id = $1`, [closed.id]),
    ).rejects.toThrow(stored);
    await expect(db.query(`DELETE FROM coop_published_parts WHERE period_id = $1`, [closed.id])).rejects.toThrow(
      stored,
    );
    await expect(
      db.query(`INSERT INTO coop_published_parts (period_id, n, part) VALUES ($1, $2, 'x')`, [closed.id, parts.length]),
    ).rejects.toThrow(stored);
    await expect(db.query(`TRUNCATE coop_published_parts`)).rejects.toThrow(
      'coop_published_parts of a closed period is frozen: TRUNCATE refused',
    );
    const [after] = await db.query<{ row: string }[]>(
      `SELECT to_jsonb(p)::text AS row FROM coop_periods p WHERE id = $1`,
      [closed.id],
    );
    expect(after.row).toBe(closed.row);
    expect(await publishedParts(db, closed.id)).toEqual(parts);
    // The open period's row is not frozen (its end can move; a close writes it).
    const [open] = await db.query<{ id: string; ends: string }[]>(
      `SELECT id, ends_at::text AS ends FROM coop_periods WHERE status = 'open'`,
    );
    await db.query(`UPDATE coop_periods SET ends_at = ends_at + interval '1 day' WHERE id = $1`, [open.id]);
    await db.query(`UPDATE coop_periods SET ends_at = $2::timestamptz WHERE id = $1`, [open.id, open.ends]);
    expect((await t.app.get(LedgerVerifier).verify()).ok).toBe(true);
  });

  it('still downloads, verifies and closes again a period closed before parts and events in place', async () => {
    const [{ id }] = await db.query<{ id: string }[]>(
      `SELECT id FROM coop_periods WHERE status = 'closed' ORDER BY seq DESC LIMIT 1`,
    );
    const [row] = await db.query<{ snapshot: string; after: string; head: string }[]>(
      `SELECT snapshot::text AS snapshot, snapshot_events_after::text AS after, published_snapshot::text AS head
         FROM coop_periods WHERE id = $1`,
      [id],
    );
    const parts = await publishedParts(db, id);
    const text = parts.join('');
    const internal = await internalSnapshot(t.app, id);
    expect(internal.events.length).toBeGreaterThan(0);
    const closed = await t.app.get(PeriodService).close(id);
    // As a close before ADR 0069 and 0070 stored it: both documents whole in the row, no parts.
    await unfrozen(db, () =>
      db.query(
        `UPDATE coop_periods SET snapshot = $2::json, snapshot_events_after = NULL, published_snapshot = $3::json
        WHERE id = $1`,
        [id, JSON.stringify(internal), text],
      ),
    );
    await setPublishedParts(db, id, []);
    try {
      const download = await t.http().get(`/api/v1/coop/periods/${id}/snapshot.json`);
      expect(download.status).toBe(200);
      expect(download.text).toBe(text);
      expect(await internalSnapshot(t.app, id)).toEqual(internal);
      const report = await t.app.get(LedgerVerifier).verify();
      expect(report.periods.find((p) => p.id === id)).toEqual(expect.objectContaining({ id, ok: true }));
      const again = await t.app.get(PeriodService).close(id);
      expect(again).toEqual({ ...closed, posted: false });
    } finally {
      await unfrozen(db, () =>
        db.query(
          `UPDATE coop_periods SET snapshot = $2::json, snapshot_events_after = $3, published_snapshot = $4::json
          WHERE id = $1`,
          [id, row.snapshot, row.after, row.head],
        ),
      );
      await setPublishedParts(db, id, parts);
    }
    expect((await t.app.get(LedgerVerifier).verify()).ok).toBe(true);
  });
});
