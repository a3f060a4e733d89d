import { HttpStatus } from '@nestjs/common';
import { ProfileFieldInput, UpdateProfileInput } from '@guildhall/content';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import type {} from '@fastify/multipart';
import { MastodonException } from '../http/mastodon.exception';
import { booleanParam, parseFormBody, stringParam } from '../http/params';

/** What `PATCH /api/v1/accounts/update_credentials` carries: the form's fields and its images. */
export interface CredentialsForm {
  fields: Record<string, unknown>;
  avatar: Buffer | null;
  header: Buffer | null;
}

/** A multipart update holds two images and a few dozen fields (display name, note, 4 × 2 profile fields, flags). */
const MULTIPART_LIMITS = { files: 2, fields: 40, parts: 42, fieldSize: 16_384 };

/**
 * The update's body as JSON, a form or multipart/form-data (Mastodon apps upload avatar and
 * header in the same request). Images are buffered, at most `maxBytes` each; nothing is stored
 * here, so a refused update leaves no upload behind.
 */
export async function readCredentialsForm(
  request: FastifyRequest,
  body: unknown,
  maxBytes: number,
): Promise<CredentialsForm> {
  if (!request.isMultipart()) {
    const fields = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    return { fields, avatar: null, header: null };
  }
  const pairs: [string, string][] = [];
  const images: { avatar: Buffer | null; header: Buffer | null } = { avatar: null, header: null };
  try {
    for await (const part of request.parts({ limits: { ...MULTIPART_LIMITS, fileSize: maxBytes } })) {
      if (part.type === 'file') {
        if (part.fieldname !== 'avatar' && part.fieldname !== 'header') {
          part.file.resume();
          throw MastodonException.unprocessable('Only avatar and header may be uploaded here');
        }
        images[part.fieldname] = await part.toBuffer();
      } else if (typeof part.value === 'string') {
        if (part.valueTruncated) throw MastodonException.unprocessable(`${part.fieldname} is too long`);
        pairs.push([part.fieldname, part.value]);
      }
    }
  } catch (error) {
    throw translateMultipartError(error, maxBytes);
  }
  return { fields: parseFormBody(new URLSearchParams(pairs).toString()), ...images };
}

function translateMultipartError(error: unknown, maxBytes: number): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') {
    return new MastodonException(HttpStatus.PAYLOAD_TOO_LARGE, `Files may be at most ${maxBytes} bytes`);
  }
  if (typeof code === 'string' && code.startsWith('FST_')) {
    return MastodonException.unprocessable('The form is not a valid multipart/form-data body');
  }
  return error;
}

/** `fields_attributes` as `{ "0": { name, value } }` (forms) or `[{ name, value }]` (JSON). */
function profileFields(value: unknown): ProfileFieldInput[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object') throw MastodonException.unprocessable('fields_attributes must be a list of fields');
  const entries = Array.isArray(value)
    ? (value as unknown[])
    : Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => Number(a) - Number(b))
        .map(([, field]) => field);
  return entries.map((field) => {
    const row = field && typeof field === 'object' ? (field as Record<string, unknown>) : {};
    const name = stringParam(row.name) ?? '';
    const text = stringParam(row.value) ?? '';
    // ProfileService refuses it too, but only after the images would have been stored.
    if (!name.trim() && text.trim())
      throw MastodonException.unprocessable('Validation failed: A profile field needs a name');
    return plainToInstance(ProfileFieldInput, { name, value: text });
  });
}

/**
 * The profile changes the form asks for, checked by the same rules as GraphQL's updateProfile
 * (422 with their messages). Avatar and header ids are filled in by the caller once uploaded.
 * `bot` and `source[…]` are accepted and not stored: Guildhall has no such settings.
 */
export async function toProfileInput(fields: Record<string, unknown>): Promise<UpdateProfileInput> {
  const plain: Record<string, unknown> = {};
  if (fields.display_name !== undefined) plain.displayName = stringParam(fields.display_name) ?? null;
  if (fields.note !== undefined) plain.bio = stringParam(fields.note) ?? null;
  if (fields.locked !== undefined) plain.manuallyApprovesFollowers = booleanParam(fields.locked);
  if (fields.discoverable !== undefined) plain.discoverable = booleanParam(fields.discoverable);
  const profile = plainToInstance(UpdateProfileInput, plain);
  const given = profileFields(fields.fields_attributes);
  if (given !== undefined) profile.fields = given;
  const errors = await validate(profile, { forbidUnknownValues: false });
  if (errors.length > 0) {
    const messages = errors.flatMap(function collect(error): string[] {
      return [...Object.values(error.constraints ?? {}), ...(error.children ?? []).flatMap(collect)];
    });
    throw MastodonException.unprocessable(`Validation failed: ${messages.join(', ')}`);
  }
  return profile;
}
