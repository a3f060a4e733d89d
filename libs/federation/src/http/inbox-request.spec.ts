import { createHash } from 'node:crypto';
import { checkInboxRequest, InboxRefusal } from './inbox-request';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const body = Buffer.from(JSON.stringify({ id: 'https://r.example/a/1', type: 'Like', actor: 'https://r.example/u/x' }));
const digest = `SHA-256=${createHash('sha256').update(body).digest('base64')}`;
const signature = (headers: string) => `keyId="https://r.example/u/x#main-key",headers="${headers}",signature="AAAA"`;

function headers(overrides: Record<string, string | undefined> = {}) {
  return {
    'content-type': 'application/activity+json',
    date: new Date(NOW).toUTCString(),
    digest,
    signature: signature('(request-target) host date digest content-type'),
    ...overrides,
  };
}

function refusal(result: ReturnType<typeof checkInboxRequest>): [number, string] | 'accepted' {
  return result instanceof InboxRefusal ? [result.status, result.reason] : 'accepted';
}

describe('checkInboxRequest', () => {
  it('accepts a well-formed, fully signed activity and returns it parsed', () => {
    const result = checkInboxRequest(headers(), body, NOW);
    expect(result).toEqual({ activity: { id: 'https://r.example/a/1', type: 'Like', actor: 'https://r.example/u/x' } });
  });

  it.each([
    ['text/plain', 415],
    ['application/json', 415],
    ['application/ld+json; profile="https://www.w3.org/ns/activitystreams"', 'accepted'],
  ])('content type %s → %s', (contentType, expected) => {
    const result = refusal(checkInboxRequest(headers({ 'content-type': contentType }), body, NOW));
    expect(result === 'accepted' ? result : result[0]).toBe(expected);
  });

  it('refuses malformed JSON and non-activities with 400', () => {
    expect(refusal(checkInboxRequest(headers(), Buffer.from('{"type":'), NOW))).toEqual([400, 'Malformed JSON']);
    expect(refusal(checkInboxRequest(headers(), Buffer.from('[1]'), NOW))).toEqual([
      400,
      'An activity must be a JSON object',
    ]);
    expect(refusal(checkInboxRequest(headers(), Buffer.from('{"type":"Like"}'), NOW))).toEqual([
      400,
      'An activity needs a type and an actor',
    ]);
  });

  it('refuses unsigned requests and signatures that do not cover what must be covered, with 401', () => {
    expect(refusal(checkInboxRequest(headers({ signature: undefined }), body, NOW))).toEqual([
      401,
      'Missing HTTP signature',
    ]);
    expect(refusal(checkInboxRequest(headers({ signature: signature('host date digest') }), body, NOW))).toEqual([
      401,
      'Signature must cover (request-target)',
    ]);
    expect(
      refusal(checkInboxRequest(headers({ signature: signature('(request-target) host date') }), body, NOW)),
    ).toEqual([401, 'Signature must cover digest']);
  });

  it('checks the digest against the raw bytes', () => {
    expect(refusal(checkInboxRequest(headers({ digest: undefined }), body, NOW))).toEqual([
      401,
      'Missing Digest header',
    ]);
    const tampered = Buffer.from(body.toString().replace('Like', 'Like '));
    expect(refusal(checkInboxRequest(headers(), tampered, NOW))).toEqual([401, 'Digest does not match the body']);
  });

  it("refuses a Date outside Mastodon's window (1 h ahead, 5 min + 1 h old), with 401", () => {
    const at = (ms: number) => new Date(NOW + ms).toUTCString();
    expect(refusal(checkInboxRequest(headers({ date: at(61 * 60_000) }), body, NOW))).toEqual([
      401,
      'Signature Date is too far in the future',
    ]);
    expect(refusal(checkInboxRequest(headers({ date: at(-2 * 3_600_000) }), body, NOW))).toEqual([
      401,
      'Signature expired (its Date is too old)',
    ]);
    expect(refusal(checkInboxRequest(headers({ date: at(-64 * 60_000) }), body, NOW))).toBe('accepted');
    expect(refusal(checkInboxRequest(headers({ date: at(59 * 60_000) }), body, NOW))).toBe('accepted');
  });

  it("refuses an activity whose id is on another origin than its actor's, with 400", () => {
    const squatting = Buffer.from(
      JSON.stringify({ id: 'https://other.example/a/1', type: 'Like', actor: 'https://r.example/u/x' }),
    );
    const signed = headers({ digest: `SHA-256=${createHash('sha256').update(squatting).digest('base64')}` });
    expect(refusal(checkInboxRequest(signed, squatting, NOW))).toEqual([
      400,
      "The activity id must be on its actor's origin",
    ]);
  });
});
