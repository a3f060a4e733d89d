import { MAX_ALT_TEXT_LENGTH, MAX_PROFILE_FIELDS, ProfileFieldInput, UpdateProfileInput } from '@guildhall/content';
import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import type {} from '@fastify/multipart';
import { field } from '../../pages/oauth/oauth-page';
import type { FormBody } from '../web-app';

/** What the profile form shows: the values (as typed) and each input's error. */
export interface ProfileDraft {
  displayName: string;
  bio: string;
  locked: boolean;
  discoverable: boolean;
  fields: { name: string; value: string }[];
}

export type FieldErrors = Record<string, string>;

/** The names of a profile-field row's inputs. */
export const fieldInputName = (index: number, part: 'name' | 'value') => `field_${index}_${part}`;

export function draftFromForm(body: FormBody): ProfileDraft {
  return {
    displayName: field(body, 'display_name'),
    bio: field(body, 'bio'),
    locked: field(body, 'locked') === '1',
    discoverable: field(body, 'discoverable') === '1',
    fields: Array.from({ length: MAX_PROFILE_FIELDS }, (_, i) => ({
      name: field(body, fieldInputName(i, 'name')),
      value: field(body, fieldInputName(i, 'value')),
    })),
  };
}

function messages(error: ValidationError): string {
  return Object.values(error.constraints ?? {})[0] ?? 'This value is not valid';
}

/**
 * The draft as the content lib's UpdateProfileInput, checked with its rules (the same as GraphQL
 * updateProfile and Mastodon's update_credentials); errors by input name, none when valid.
 */
export async function toProfileInput(draft: ProfileDraft): Promise<{ input: UpdateProfileInput; errors: FieldErrors }> {
  const input = plainToInstance(UpdateProfileInput, {
    displayName: draft.displayName,
    bio: draft.bio,
    manuallyApprovesFollowers: draft.locked,
    discoverable: draft.discoverable,
  });
  input.fields = draft.fields.map((row) => plainToInstance(ProfileFieldInput, row));
  const errors: FieldErrors = {};
  for (const error of await validate(input, { forbidUnknownValues: false })) {
    if (error.property === 'displayName') errors.display_name = messages(error);
    else if (error.property === 'bio') errors.bio = messages(error);
    else if (error.property === 'fields') {
      for (const row of error.children ?? []) {
        for (const part of row.children ?? []) {
          errors[fieldInputName(Number(row.property), part.property as 'name' | 'value')] = messages(part);
        }
      }
    }
  }
  // ProfileService refuses it too; said here beside the input.
  draft.fields.forEach((row, i) => {
    if (!row.name.trim() && row.value.trim()) errors[fieldInputName(i, 'name')] ??= 'A profile field needs a name';
  });
  return { input, errors };
}

/** The pictures form: avatar and header images (either may be absent) and their descriptions. */
export interface PicturesForm {
  token: string;
  avatar: Buffer | null;
  header: Buffer | null;
  avatarDescription: string;
  headerDescription: string;
}

/** Two images and five short fields (token, two descriptions, room for a stray one). */
const LIMITS = { files: 2, fields: 6, parts: 8, fieldSize: 16_384 };

export class PicturesFormError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads the multipart pictures form. Nothing is stored here; a file input left empty is sent
 * by browsers as an empty part, which counts as no file.
 */
export async function readPicturesForm(request: FastifyRequest, maxBytes: number): Promise<PicturesForm> {
  if (!request.isMultipart()) throw new PicturesFormError(415, 'Send the pictures form as multipart/form-data.');
  const form: PicturesForm = { token: '', avatar: null, header: null, avatarDescription: '', headerDescription: '' };
  try {
    for await (const part of request.parts({ limits: { ...LIMITS, fileSize: maxBytes } })) {
      if (part.type === 'file') {
        if (part.fieldname !== 'avatar' && part.fieldname !== 'header') {
          part.file.resume();
          throw new PicturesFormError(422, 'Only an avatar and a header can be uploaded here.');
        }
        const bytes = await part.toBuffer();
        form[part.fieldname] = bytes.length ? bytes : null;
      } else if (typeof part.value === 'string') {
        if (part.valueTruncated) throw new PicturesFormError(422, `${part.fieldname} is too long.`);
        if (part.fieldname === 'authenticity_token') form.token = part.value;
        else if (part.fieldname === 'avatar_description') form.avatarDescription = part.value;
        else if (part.fieldname === 'header_description') form.headerDescription = part.value;
      }
    }
  } catch (error) {
    if (error instanceof PicturesFormError) throw error;
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new PicturesFormError(413, `Each picture may be at most ${megabytes(maxBytes)} MB.`);
    }
    if (typeof code === 'string' && code.startsWith('FST_')) {
      throw new PicturesFormError(400, 'The form could not be read. Reload the page and try again.');
    }
    throw error;
  }
  return form;
}

function megabytes(bytes: number): string {
  return (bytes / 1_048_576).toFixed(1).replace(/\.0$/, '');
}

/** A description's error, or null. */
export function altTextError(text: string): string | null {
  return text.trim().length > MAX_ALT_TEXT_LENGTH ? `A description is at most ${MAX_ALT_TEXT_LENGTH} characters` : null;
}
