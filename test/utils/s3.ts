import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { S3Settings } from '@guildhall/core';
import { freePort } from './instance';

/** The part of s3rver (which ships no types) that the tests use. */
interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  configureBuckets: { name: string }[];
}) => S3rverInstance;

/** s3rver's one built-in account (it refuses other access key ids, but does not verify SigV4 signatures). */
const ACCESS_KEY = 'S3RVER';

export interface TestS3 {
  endpoint: string;
  bucket: string;
  /** Where s3rver keeps the objects on disk. */
  directory: string;
  /** The settings for a bucket with `prefix`, as parseConfig would make them. */
  settings(prefix?: string): S3Settings;
  /** The environment an app needs to keep its media there. */
  env(prefix?: string): Record<string, string>;
  /** Every object key in the bucket, sorted, as S3 lists them. */
  keys(): Promise<string[]>;
  /** An object's content type and size, as S3 answers a HEAD. */
  head(key: string): Promise<{ contentType: string | undefined; bytes: number | undefined }>;
  stop(): Promise<void>;
}

/** A real S3-protocol server (s3rver) on a free loopback port, its bucket created, its files in a temp dir. */
export async function startS3(bucket = 'guildhall-media'): Promise<TestS3> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const S3rver = require('s3rver') as S3rverClass;
  const directory = mkdtempSync(join(tmpdir(), 's3rver-'));
  const port = await freePort();
  const server = new S3rver({
    address: '127.0.0.1',
    port,
    directory,
    silent: true,
    configureBuckets: [{ name: bucket }],
  });
  await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: ACCESS_KEY },
  });
  return {
    endpoint,
    bucket,
    directory,
    settings: (prefix = '') => ({
      bucket,
      region: 'us-east-1',
      endpoint,
      accessKeyId: ACCESS_KEY,
      secretAccessKey: ACCESS_KEY,
      forcePathStyle: true,
      prefix,
    }),
    env: (prefix = '') => ({
      MEDIA_STORAGE: 's3',
      S3_BUCKET: bucket,
      S3_ENDPOINT: endpoint,
      S3_ACCESS_KEY_ID: ACCESS_KEY,
      S3_SECRET_ACCESS_KEY: ACCESS_KEY,
      ...(prefix ? { S3_PREFIX: prefix } : {}),
    }),
    keys: async () => {
      // Below 1000 keys: one page, so no continuation token (s3rver makes those with DES, gone from Node 24).
      const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      return (listed.Contents ?? []).map((object) => object.Key!).sort();
    },
    head: async (key) => {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return { contentType: head.ContentType, bytes: head.ContentLength };
    },
    stop: async () => {
      client.destroy();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
