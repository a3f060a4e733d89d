import { type CreatePostInput, NOTE_MAX_LENGTH, type UpdatePostInput, VisibilityModel } from '@guildhall/content';
import { UUID_PATTERN } from '@guildhall/core';
import { MastodonException } from '../http/mastodon.exception';
import { arrayParam, booleanParam, stringParam } from '../http/params';
import { visibilityFromMastodon } from '../serializers/status.serializer';

/** Mastodon's poll parameters (`poll[options][]`, `poll[expires_in]`, `poll[multiple]`, `poll[hide_totals]`). */
export interface PollParams {
  options: string[];
  expiresIn: number;
  multiple: boolean;
  hideTotals: boolean;
}

export interface CreateStatusParams {
  input: CreatePostInput;
  /** When to publish; null: now (a time in the past publishes now, as on Mastodon). */
  scheduledAt: Date | null;
  poll: PollParams | null;
}

export interface UpdateStatusParams {
  input: UpdatePostInput;
  /** Mastodon's `sensitive`, when sent. */
  sensitive: boolean | undefined;
  /** The media the client lists for the edited status, when it lists any. */
  mediaIds: string[] | null;
  poll: PollParams | null;
}

const LANGUAGE = /^[a-z]{2}$/;
/** A content warning's longest (as the GraphQL input). */
const SPOILER_MAX_LENGTH = 500;

type Body = Record<string, unknown>;

function text(body: Body, name: string): string | undefined {
  const value = body[name];
  if (value !== undefined && value !== null && typeof value !== 'string' && typeof value !== 'number') {
    throw MastodonException.unprocessable(`${name} must be a string`);
  }
  return stringParam(value);
}

function language(body: Body): string | null | undefined {
  const value = text(body, 'language');
  if (value === undefined || value === '') return undefined;
  const code = value.toLowerCase();
  if (!LANGUAGE.test(code))
    throw MastodonException.unprocessable('Validation failed: Language is not a valid ISO 639-1 code');
  return code;
}

function spoiler(body: Body): string | undefined {
  const value = text(body, 'spoiler_text');
  if (value !== undefined && value.length > SPOILER_MAX_LENGTH) {
    throw MastodonException.unprocessable(
      `Validation failed: Spoiler text is too long (maximum is ${SPOILER_MAX_LENGTH} characters)`,
    );
  }
  return value;
}

function mediaIds(body: Body): string[] {
  return arrayParam(body, 'media_ids');
}

/** The poll a client sent, or null; checked only for shape (the polls domain checks the rest). */
export function pollParams(body: Body): PollParams | null {
  const raw = body.poll;
  if (raw === undefined || raw === null || raw === '') return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw MastodonException.unprocessable('poll must be an object');
  const poll = raw as Body;
  const options = arrayParam(poll, 'options');
  if (!options.length) return null;
  const expiresIn = Number(stringParam(poll.expires_in) ?? NaN);
  return {
    options,
    expiresIn: Number.isFinite(expiresIn) ? Math.trunc(expiresIn) : NaN,
    multiple: booleanParam(poll.multiple),
    hideTotals: booleanParam(poll.hide_totals),
  };
}

/** `POST /api/v1/statuses`: Mastodon's parameters as a post to create. Invalid input is 422. */
export function createStatusParams(body: Body): CreateStatusParams {
  const status = text(body, 'status') ?? '';
  const media = mediaIds(body);
  const poll = pollParams(body);
  if (status.trim() === '' && !media.length && !poll) {
    throw MastodonException.unprocessable("Validation failed: Text can't be blank");
  }
  if (status.length > NOTE_MAX_LENGTH) {
    throw MastodonException.unprocessable(`Validation failed: Text character limit of ${NOTE_MAX_LENGTH} exceeded`);
  }
  const visibilityName = text(body, 'visibility');
  let visibility: VisibilityModel | undefined;
  if (visibilityName !== undefined && visibilityName !== '') {
    const found = visibilityFromMastodon(visibilityName);
    if (!found) throw MastodonException.unprocessable('Validation failed: Visibility is not included in the list');
    visibility = found as unknown as VisibilityModel;
  }
  const inReplyToId = text(body, 'in_reply_to_id');
  if (inReplyToId && !UUID_PATTERN.test(inReplyToId)) {
    throw new MastodonException(404, 'The post you are trying to reply to does not appear to exist.');
  }
  const spoilerText = spoiler(body);
  const scheduled = text(body, 'scheduled_at');
  let scheduledAt: Date | null = null;
  if (scheduled) {
    scheduledAt = new Date(scheduled);
    if (Number.isNaN(scheduledAt.getTime()))
      throw MastodonException.unprocessable('Validation failed: Scheduled at is invalid');
    if (scheduledAt.getTime() <= Date.now()) scheduledAt = null;
  }
  return {
    input: {
      content: status,
      // Sensitive without a warning text is an empty warning (as a remote post's is).
      contentWarning: spoilerText ? spoilerText : booleanParam(body.sensitive) ? '' : null,
      language: language(body) ?? null,
      visibility: visibility ?? VisibilityModel.PUBLIC,
      inReplyToId: inReplyToId || null,
      mediaIds: media,
    },
    scheduledAt,
    poll,
  };
}

/** `PUT /api/v1/statuses/:id`: what an edit may change. */
export function updateStatusParams(body: Body): UpdateStatusParams {
  // Mastodon's edit sends the whole status: no text is an empty text (allowed with media).
  const status = text(body, 'status') ?? '';
  const listed = body['media_ids[]'] !== undefined || body.media_ids !== undefined;
  if (status.length > NOTE_MAX_LENGTH) {
    throw MastodonException.unprocessable(`Validation failed: Text character limit of ${NOTE_MAX_LENGTH} exceeded`);
  }
  return {
    input: {
      content: status,
      // Mastodon's edit sends the whole status: no spoiler_text means no warning.
      contentWarning: spoiler(body) ?? '',
      language: language(body),
    },
    sensitive: body.sensitive === undefined ? undefined : booleanParam(body.sensitive),
    mediaIds: listed ? mediaIds(body) : null,
    poll: pollParams(body),
  };
}
