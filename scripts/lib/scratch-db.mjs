// A throwaway database beside DATABASE_URL (default postgres://postgres@localhost:5432/postgres),
// for tooling that must boot the app: migration generation and checks, schema printing.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Client } = require('pg');

export async function withScratchDatabase(prefix, run) {
  const server = new URL(process.env.DATABASE_URL || 'postgres://postgres@localhost:5432/postgres');
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: Object.assign(new URL(server), { pathname: '/postgres' }).toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    return await run(Object.assign(new URL(server), { pathname: `/${name}` }).toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
