const { Client } = require('pg');
const { Redis } = require('ioredis');

module.exports = async () => {
  const admin = new Client({ connectionString: process.env.TEST_DATABASE_ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${process.env.TEST_DATABASE_NAME} WITH (FORCE)`);
  await admin.end();
  // Remove this run's queue and rate-limit keys.
  const redis = new Redis(process.env.TEST_REDIS_URL);
  const prefix = process.env.TEST_QUEUE_PREFIX;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
};
