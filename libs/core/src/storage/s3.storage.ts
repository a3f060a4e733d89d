import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { OnModuleDestroy } from '@nestjs/common';
import type { S3Settings } from '../config/config.schema';
import { assertStorageKey, MediaStorage } from './media-storage';

/** Connections kept open to the bucket: uploads and reads of one process share them. */
const MAX_SOCKETS = 64;

/** A missing object: S3 says NoSuchKey, some compatible servers only 404 (a HEAD has no body). */
function isMissing(error: unknown): boolean {
  if (!(error instanceof S3ServiceException)) return false;
  return error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata.httpStatusCode === 404;
}

/**
 * Media in an S3-compatible bucket (AWS S3, MinIO, Cloudflare R2, Garage…), under
 * `S3_PREFIX<key>`, with its content type. The bucket stays private: every read goes through
 * Guildhall's own media routes, which decide who sees what (ADR 0019, 0025), as on the local disk.
 *
 * The SDK gets its own NodeHttpHandler with its own agents (ADR 0049): the endpoint is the
 * operator's (MinIO on the LAN or loopback is usual), never a URL from user input, so it must not
 * go through OutboundHttp, which refuses private addresses for federation; and the global undici
 * dispatcher is that guarded one, so nothing here may fall back to `fetch`.
 */
export class S3Storage implements MediaStorage, OnModuleDestroy {
  private readonly client: S3Client;

  constructor(private readonly settings: S3Settings) {
    this.client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
      requestHandler: new NodeHttpHandler({
        httpAgent: new HttpAgent({ keepAlive: true, maxSockets: MAX_SOCKETS }),
        httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: MAX_SOCKETS }),
        connectionTimeout: 10_000,
        requestTimeout: 60_000,
      }),
      // The SDK's default CRC32 checksums (since 3.729) are not understood by every compatible
      // server (s3rver, older MinIO): send them only where an operation requires one, as before.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
    });
  }

  async put(key: string, bytes: Buffer, contentType: string): Promise<void> {
    // A PUT is atomic in S3: readers see the old object or the new one, never part of one.
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.settings.bucket,
        Key: this.objectKey(key),
        Body: bytes,
        ContentLength: bytes.length,
        ContentType: contentType,
      }),
    );
  }

  async get(key: string): Promise<Readable | null> {
    try {
      const { Body } = await this.client.send(
        new GetObjectCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key) }),
      );
      // On Node the body is the response's IncomingMessage: a Readable, streamed, not buffered.
      if (!(Body instanceof Readable)) throw new Error(`S3 answered ${key} without a readable body`);
      return Body;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key) }));
    } catch (error) {
      // S3 answers 204 for a missing key; a server that says 404 means the same.
      if (!isMissing(error)) throw error;
    }
  }

  /** Whether anything is stored under the prefix (restore refuses a bucket in use, as a non-empty DATA_DIR). */
  async isEmpty(): Promise<boolean> {
    // ListObjects (v1): every compatible server has it, and a truncated v2 listing makes s3rver
    // (the tests' server) build a DES continuation token, which Node 24's OpenSSL no longer has.
    const listed = await this.client.send(
      new ListObjectsCommand({ Bucket: this.settings.bucket, Prefix: this.settings.prefix, MaxKeys: 1 }),
    );
    return (listed.Contents ?? []).length === 0;
  }

  /** Where the objects are, for messages: never the credentials. */
  describe(): string {
    return `s3://${this.settings.bucket}/${this.settings.prefix}`;
  }

  onModuleDestroy(): void {
    // Closes the agents' kept-alive sockets so that the process can exit.
    this.client.destroy();
  }

  private objectKey(key: string): string {
    assertStorageKey(key);
    return this.settings.prefix + key;
  }
}
