import { signatureTimes, signatureWindowRefusal } from './signature-window';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const at = (ms: number) => new Date(NOW + ms).toUTCString();
const s = (ms: number) => Math.floor((NOW + ms) / 1000);

const cavage = (headers: string, extra = '') =>
  `keyId="https://r.example/u/x#main-key",algorithm="hs2019",headers="${headers}",signature="AAAA"${extra}`;
const rfc9421 = (params: string) =>
  `sig1=("@method" "@target-uri" "content-digest");alg="rsa-v1_5-sha256";keyid="https://r.example/k"${params}`;

describe("signatureWindowRefusal (Mastodon's time window)", () => {
  it('takes the Date header as created, expiring 5 minutes later, with an hour of skew either way', () => {
    const sig = cavage('(request-target) date digest');
    const check = (date: number) => signatureWindowRefusal({ signature: sig, date: at(date) }, NOW);
    expect(check(0)).toBeNull();
    expect(check(-4 * MIN)).toBeNull();
    expect(check(-64 * MIN)).toBeNull();
    expect(check(-66 * MIN)).toBe('Signature expired (its Date is too old)');
    expect(check(-2 * HOUR)).toBe('Signature expired (its Date is too old)');
    expect(check(50 * MIN)).toBeNull();
    expect(check(61 * MIN)).toBe('Signature Date is too far in the future');
  });

  it('prefers a signed (created), and honours a signed (expires) up to created + 12 hours', () => {
    const signed = (created: number, expires?: number) =>
      cavage(
        `(request-target) (created)${expires === undefined ? '' : ' (expires)'} digest`,
        `,created=${s(created)}${expires === undefined ? '' : `,expires=${s(expires)}`}`,
      );
    // The Date header is ignored when (created) is signed.
    expect(signatureWindowRefusal({ signature: signed(-MIN), date: at(-5 * HOUR) }, NOW)).toBeNull();
    expect(signatureWindowRefusal({ signature: signed(-2 * HOUR) }, NOW)).toBe(
      'Signature expired (its created is too old)',
    );
    expect(signatureWindowRefusal({ signature: signed(-10 * HOUR, 0) }, NOW)).toBeNull();
    // expires beyond created + 12 h is capped: created 14 h ago expired 2 h ago, past the hour of skew.
    expect(signatureWindowRefusal({ signature: signed(-14 * HOUR, 10 * HOUR) }, NOW)).toBe(
      'Signature expired (its created is too old)',
    );
    expect(signatureWindowRefusal({ signature: signed(-2 * HOUR, -70 * MIN) }, NOW)).toBe(
      'Signature expired (its created is too old)',
    );
  });

  it('ignores created and expires parameters the signature does not cover', () => {
    const unsigned = cavage('(request-target) date digest', `,created=${s(0)},expires=${s(10 * HOUR)}`);
    expect(signatureWindowRefusal({ signature: unsigned, date: at(-2 * HOUR) }, NOW)).toBe(
      'Signature expired (its Date is too old)',
    );
  });

  it("reads RFC 9421's created and expires (always signed), for every signature of the request", () => {
    const check = (params: string) => signatureWindowRefusal({ 'signature-input': rfc9421(params) }, NOW);
    expect(check(`;created=${s(-4 * MIN)}`)).toBeNull();
    expect(check(`;created=${s(-2 * HOUR)}`)).toBe('Signature expired (its created is too old)');
    expect(check(`;created=${s(-2 * HOUR)};expires=${s(HOUR)}`)).toBeNull();
    expect(check(`;created=${s(-10 * MIN)};expires=${s(-65 * MIN)}`)).toBe(
      'Signature expired (its created is too old)',
    );
    expect(check(`;created=${s(2 * HOUR)}`)).toBe('Signature created is too far in the future');
    const two = `${rfc9421(`;created=${s(0)}`)}, sig2=("@method");keyid="https://r.example/k2";created=${s(-3 * HOUR)}`;
    expect(signatureWindowRefusal({ 'signature-input': two }, NOW)).toBe('Signature expired (its created is too old)');
  });

  it('refuses a signature with no time, or a malformed one', () => {
    expect(signatureWindowRefusal({ signature: cavage('(request-target) digest') }, NOW)).toBe(
      'Signature has no creation time (no created parameter or Date header)',
    );
    expect(signatureWindowRefusal({ signature: cavage('(request-target) date'), date: 'yesterday' }, NOW)).toBe(
      'Unparseable Date header',
    );
    expect(signatureWindowRefusal({ 'signature-input': rfc9421(';created=soon') }, NOW)).toBe(
      'Unparseable signature created or expires',
    );
    expect(signatureWindowRefusal({}, NOW)).toBe('Missing HTTP signature');
  });

  it('reports the window it computed', () => {
    expect(signatureTimes({ 'signature-input': rfc9421(`;created=${s(0)};expires=${s(13 * HOUR)}`) })).toEqual([
      { created: s(0) * 1000, expires: s(0) * 1000 + 12 * HOUR, source: 'created' },
    ]);
  });
});
