// Each run gets its own database (created here, dropped in global-teardown) and queue prefix.
const { randomBytes } = require('node:crypto');
const { Client } = require('pg');

module.exports = async () => {
  const server = new URL(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres');
  const name = `guildhall_test_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: Object.assign(new URL(server), { pathname: '/postgres' }).toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  process.env.TEST_DATABASE_URL = Object.assign(new URL(server), { pathname: `/${name}` }).toString();
  process.env.TEST_DATABASE_ADMIN_URL = Object.assign(new URL(server), { pathname: '/postgres' }).toString();
  process.env.TEST_DATABASE_NAME = name;
  process.env.TEST_REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  process.env.TEST_QUEUE_PREFIX = `test-${randomBytes(4).toString('hex')}`;
};
