import { DataSource } from 'typeorm';
import { canonicalHash, canonicalJson, PeriodService, publishSnapshot, type PublishedSnapshot } from '@guildhall/coop';
import { SnapshotPublisher } from '../libs/coop/src/transparency/published-snapshot';
import { CoopEventRepository } from '../libs/coop/src/contributions/coop-event.repository';
import { Contribution } from '../libs/coop/src/contributions/contribution.types';
import { internalSnapshot, pseudonymKey } from './utils/coop';
import { signUp, type SignedUp } from './utils/factories';
import { freshDatabase } from './utils/fresh-database';
import { createTestApp, type TestApp } from './utils/test-app';

/**
 * A close hashes its events' stored JSON as it is (ADR 0071), so every way CoopEventRepository
 * records an event must write exactly the canonical JSON of what it records, whatever the strings
 * hold: quotes, backslashes, controls, non-ASCII, astral characters, U+2028. Its own database:
 * the events here are odd on purpose, and a close counts them.
 */
describe('coop event JSON as recorded (e2e)', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let t: TestApp;
  let db: DataSource;
  let events: CoopEventRepository;
  let admin: SignedUp;
  let ana: SignedUp;
  let ben: SignedUp;

  const ODD = [
    'q"uote',
    'back\\slash',
    'line\nfeed\ttab\rcr',
    'ctl\u0001\u001f\u007f',
    'é ü ß',
    '😀 𝄞',
    'ls\u2028ps\u2029',
    '/',
  ];
  const stored = async (id: string) => {
    const [row] = await db.query<{ json: string }[]>(`SELECT snapshot_json AS json FROM coop_events WHERE id = $1`, [
      id,
    ]);
    return row?.json;
  };

  beforeAll(async () => {
    database = await freshDatabase();
    t = await createTestApp({ DATABASE_URL: database.url });
    db = t.app.get(DataSource);
    events = t.app.get(CoopEventRepository);
    admin = await signUp(t);
    await db.query(`UPDATE users SET role = 'admin' WHERE account_id = $1`, [admin.account.id]);
    [ana, ben] = [await signUp(t), await signUp(t)];
    for (const member of [ana, ben]) {
      const applied = await t.gql('mutation { applyForMembership { status } }', {}, member.token);
      const admitted = await t.gql(
        'mutation($h: String!) { admitMember(handle: $h) { status } }',
        { h: member.username },
        admin.token,
      );
      expect([applied.errors, admitted.errors]).toEqual([undefined, undefined]);
    }
  });

  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  it('writes canonical JSON one by one (record, reverse) and in batches (applyAll)', async () => {
    for (const [i, odd] of ODD.entries()) {
      expect(
        await events.record({ id: `one:${odd}`, type: Contribution.Published, memberId: ana.account.id, object: odd }),
      ).toBe(true);
      expect(await stored(`one:${odd}`)).toBe(
        canonicalJson({ id: `one:${odd}`, member: ana.username, object: odd, type: Contribution.Published }),
      );
      const engaged = {
        id: `like:${odd}`,
        type: Contribution.Engaged,
        memberId: ana.account.id,
        actor: ben.account.id,
        object: odd,
      };
      const remote = { ...engaged, id: `remote:${odd}`, actor: `instance:${odd}.example` };
      const spent = { id: `spent:${odd}`, type: Contribution.Spent, memberId: ben.account.id, amount: 1_000 + i };
      expect(await events.applyAll([{ record: engaged }, { record: remote }, { record: spent }])).toBe(3);
      expect(await stored(engaged.id)).toBe(
        canonicalJson({ actor: ben.username, id: engaged.id, member: ana.username, object: odd, type: 'ENGAGED' }),
      );
      expect(await stored(remote.id)).toBe(
        canonicalJson({ actor: remote.actor, id: remote.id, member: ana.username, object: odd, type: 'ENGAGED' }),
      );
      expect(await stored(spent.id)).toBe(
        canonicalJson({ amount: 1_000 + i, id: spent.id, member: ben.username, type: 'SPENT' }),
      );
    }
    expect(await events.reverse(`like:${ODD[0]}`)).toBe(true);
    expect(await stored(`reversal:like:${ODD[0]}`)).toBe(
      canonicalJson({ id: `reversal:like:${ODD[0]}`, reverses: `like:${ODD[0]}`, type: 'REVERSAL' }),
    );
    expect(
      await events.applyAll([
        { reverse: `spent:${ODD[1]}` },
        { record: { id: 'batch:"x"', type: 'CURATED', memberId: ben.account.id, object: ODD[5] } },
      ]),
    ).toBe(2);
    expect(await stored(`reversal:spent:${ODD[1]}`)).toBe(
      canonicalJson({ id: `reversal:spent:${ODD[1]}`, reverses: `spent:${ODD[1]}`, type: 'REVERSAL' }),
    );
    expect(await stored('batch:"x"')).toBe(
      canonicalJson({ id: 'batch:"x"', member: ben.username, object: ODD[5], type: 'CURATED' }),
    );
    // Every row, whatever wrote it: its text is the canonical JSON of what it parses to.
    const rows = await db.query<{ json: string }[]>(`SELECT snapshot_json AS json FROM coop_events`);
    expect(rows).toHaveLength(ODD.length * 4 + 3);
    for (const { json } of rows) expect(json).toBe(canonicalJson(JSON.parse(json)));
  });

  it('closes them with the internal hash a parse and rewrite of the same rows gives', async () => {
    const { snapshot, result, posted } = await t.app.get(PeriodService).close();
    expect(posted).toBe(true);
    const internal = await internalSnapshot(t.app, result.period);
    expect(internal.events).toHaveLength(ODD.length * 4 + 3);
    expect((snapshot as PublishedSnapshot).internalInputHash).toBe(canonicalHash(internal));
    // What the close published is what publishSnapshot derives here from the rows read back.
    const derived = publishSnapshot(internal, await pseudonymKey(db, result.period));
    expect(canonicalJson(snapshot)).toBe(canonicalJson(derived));
    // Published: each PUBLISHED, each member's like but the reversed one, ben's payments as one
    // sum (less the reversed one), the CURATED one. Reversals and likes from hosts not federated
    // are left out.
    expect(snapshot.events.map((e) => e.type).sort()).toEqual(
      [...Array(ODD.length - 1).fill('ENGAGED'), 'CURATED', ...Array(ODD.length).fill('PUBLISHED'), 'SPENT'].sort(),
    );
    const sum = ODD.reduce((total, _, i) => (i === 1 ? total : total + 1_000 + i), 0);
    expect(snapshot.events.find((e) => e.type === 'SPENT')).toEqual(expect.objectContaining({ amount: sum }));
  });

  it('reads plain rows as columns, not an object per event, and commits to the same hashes (ADR 0074)', async () => {
    // The next period's rows: as the recorder writes them for ordinary ids, usernames and objects.
    expect(
      await events.applyAll([
        { record: { id: 'published:p1', type: Contribution.Published, memberId: ana.account.id, object: 'post:p1' } },
        {
          record: {
            id: 'engaged:l1',
            type: Contribution.Engaged,
            memberId: ana.account.id,
            actor: ben.account.id,
            object: 'post:p1',
          },
        },
        { record: { id: 'spent:s1', type: Contribution.Spent, memberId: ben.account.id, amount: 700 } },
        { record: { id: 'spent:s2', type: Contribution.Spent, memberId: ben.account.id, amount: -200 } },
      ]),
    ).toBe(4);
    const byColumns = jest.spyOn(SnapshotPublisher.prototype, 'addRecorded');
    const byObjects = jest.spyOn(SnapshotPublisher.prototype, 'add');
    try {
      const { snapshot, result, posted } = await t.app.get(PeriodService).close();
      expect(posted).toBe(true);
      expect([byColumns.mock.calls.length, byObjects.mock.calls.length]).toEqual([1, 0]);
      const internal = await internalSnapshot(t.app, result.period);
      expect(internal.events.map((e) => e.id)).toEqual(['published:p1', 'engaged:l1', 'spent:s1', 'spent:s2']);
      expect((snapshot as PublishedSnapshot).internalInputHash).toBe(canonicalHash(internal));
      const derived = publishSnapshot(internal, await pseudonymKey(db, result.period));
      expect(canonicalJson(snapshot)).toBe(canonicalJson(derived));
      expect(snapshot.events.find((e) => e.type === 'SPENT')).toEqual(expect.objectContaining({ amount: 500 }));
    } finally {
      byColumns.mockRestore();
      byObjects.mockRestore();
    }
  });
});
