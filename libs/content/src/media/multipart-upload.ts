import type { FastifyRequest } from 'fastify';
// Type-only: brings in the request.parts() / isMultipart() declarations of the plugin.
import type {} from '@fastify/multipart';
import { ContentErrorCode, ContentException } from '../content.exception';

export interface Upload {
  bytes: Buffer;
  description: string | null;
  /** As sent (Mastodon's `"x,y"`); parseFocus reads it. */
  focus: string | null;
}

const malformed = (message: string) => new ContentException(ContentErrorCode.MalformedUpload, message);

/** The multipart parser's own errors, by code: a file over the size limit, or a request that is not a form. */
function translate(error: unknown, maxBytes: number): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') {
    return new ContentException(ContentErrorCode.MediaTooLarge, `Files may be at most ${maxBytes} bytes`, {
      maxBytes,
    });
  }
  if (typeof code === 'string' && code.startsWith('FST_')) return malformed('The upload is not a valid form');
  if (error instanceof Error && /multipart|Part terminated|Unexpected end/i.test(error.message)) {
    return malformed('The upload is not a valid form');
  }
  return error;
}

/**
 * Reads a multipart/form-data upload: one file in `file` and optional `description` and `focus`
 * fields, in any order. Size limits are the ones @fastify/multipart was registered with
 * (see apps/server/src/http/create-server.ts); the file is buffered, at most MEDIA_MAX_BYTES.
 */
export async function readUpload(request: FastifyRequest, maxBytes: number): Promise<Upload> {
  if (!request.isMultipart()) throw malformed('Send the image as multipart/form-data in the field "file"');
  let bytes: Buffer | null = null;
  let description: string | null = null;
  let focus: string | null = null;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file' || bytes !== null) {
          part.file.resume();
          throw malformed('Send exactly one file, in the field "file"');
        }
        bytes = await part.toBuffer();
      } else if (part.fieldname === 'description') {
        if (part.valueTruncated || typeof part.value !== 'string') throw malformed('The description is too long');
        description = part.value;
      } else if (part.fieldname === 'focus') {
        if (part.valueTruncated || typeof part.value !== 'string') throw malformed('The focus is too long');
        focus = part.value;
      }
    }
  } catch (error) {
    throw translate(error, maxBytes);
  }
  if (bytes === null) throw malformed('Send the image in the field "file"');
  return { bytes, description, focus };
}
