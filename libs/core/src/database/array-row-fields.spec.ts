import { Client } from 'pg';
import { installArrayRowFields } from './array-row-fields';

const SQL = `SELECT 1::int AS n, 'a'::text AS s, NULL::text AS nothing, true AS b,
                    '2026-12-07 06:00:00.123+00'::timestamptz AS at, ARRAY[1, 2]::int[] AS xs,
                    '{"k": [1]}'::json AS j, 2::int AS n`;

async function read(client: Client) {
  const arrays = await client.query({ text: SQL, rowMode: 'array' });
  const objects = await client.query(SQL);
  const custom = await client.query({
    text: SQL,
    rowMode: 'array',
    types: { getTypeParser: (oid: number) => (text: string) => `${oid}:${text}` },
  });
  const empty = await client.query({ text: 'SELECT FROM generate_series(1, 2)', rowMode: 'array' });
  return { arrays, objects, custom, empty };
}

describe('installArrayRowFields', () => {
  const client = new Client({ connectionString: process.env.TEST_DATABASE_URL });
  beforeAll(() => client.connect());
  afterAll(() => client.end());

  it('reads array rows, object rows and custom parsers exactly as node-postgres did, without the template', async () => {
    const before = await read(client);
    installArrayRowFields();
    installArrayRowFields(); // a second install is a no-op, not a wrapper of the wrapper
    const after = await read(client);

    expect(after.arrays.rows).toEqual([
      [1, 'a', null, true, new Date('2026-12-07T06:00:00.123Z'), [1, 2], { k: [1] }, 2],
    ]);
    expect(after.arrays.rows).toEqual(before.arrays.rows);
    expect(after.arrays.fields.map((f) => f.name)).toEqual(['n', 's', 'nothing', 'b', 'at', 'xs', 'j', 'n']);
    expect(after.arrays.fields).toEqual(before.arrays.fields);
    // Object rows still go through node-postgres's own addFields: a duplicate name keeps the last value.
    expect(after.objects.rows).toEqual([
      { n: 2, s: 'a', nothing: null, b: true, at: new Date('2026-12-07T06:00:00.123Z'), xs: [1, 2], j: { k: [1] } },
    ]);
    expect(after.objects.rows).toEqual(before.objects.rows);
    // A query's own `types` still choose its parsers.
    expect(after.custom.rows).toEqual([
      ['23:1', '25:a', null, '16:t', expect.stringMatching(/^1184:2026-12-07/), '1007:{1,2}', '114:{"k": [1]}', '23:2'],
    ]);
    expect(after.custom.rows).toEqual(before.custom.rows);
    // No columns: rows of no values, as before.
    expect(after.empty.rows).toEqual([[], []]);
    expect(after.empty.rows).toEqual(before.empty.rows);
    // The array read built no template row; an object read did.
    const arrayResult = after.arrays as unknown as { _prebuiltEmptyResultObject: unknown };
    const objectResult = after.objects as unknown as { _prebuiltEmptyResultObject: unknown };
    expect(arrayResult._prebuiltEmptyResultObject).toBeNull();
    expect(objectResult._prebuiltEmptyResultObject).toEqual({
      n: null,
      s: null,
      nothing: null,
      b: null,
      at: null,
      xs: null,
      j: null,
    });
  });
});
