import { generateKeyPairSync, sign } from 'node:crypto';
import { parseCavageSignature, signingString, verifyCavageSignature } from './cavage-signature';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ed25519 = generateKeyPairSync('ed25519');

const headers = {
  host: 'guildhall.example',
  date: 'Sun, 22 Nov 2026 08:00:00 GMT',
  digest: 'SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=',
  'content-type': 'application/activity+json',
};
const covered = '(request-target) host date digest content-type';

function signed(text: string, algorithm = 'rsa-sha256'): string {
  const signature = sign('sha256', Buffer.from(text), rsa.privateKey).toString('base64');
  return `keyId="https://remote.example/users/a#main-key",algorithm="${algorithm}",headers="${covered}",signature="${signature}"`;
}

describe('draft-cavage signatures', () => {
  it('parses the parameters, lower-cased, with headers in signing order', () => {
    const parsed = parseCavageSignature(
      'keyId="https://r.example/k",algorithm="RSA-SHA256",headers="(request-target) Host Date",signature="YWJj"',
    );
    expect(parsed).toEqual({
      keyId: 'https://r.example/k',
      algorithm: 'rsa-sha256',
      headers: ['(request-target)', 'host', 'date'],
      signature: Buffer.from('abc'),
    });
  });

  it('defaults the covered headers to date (§2.1.3) and tolerates spaces after commas', () => {
    expect(parseCavageSignature('keyId="k", signature="YWJj"')?.headers).toEqual(['date']);
  });

  it('refuses what it does not fully understand: duplicates, garbage, a missing keyId or signature', () => {
    expect(parseCavageSignature('keyId="a",keyId="b",signature="YWJj"')).toBeNull();
    expect(parseCavageSignature('keyId="a",signature="YWJj",junk')).toBeNull();
    expect(parseCavageSignature('signature="YWJj"')).toBeNull();
    expect(parseCavageSignature('keyId="a"')).toBeNull();
    expect(parseCavageSignature('keyId="a",signature="not base64!"')).toBeNull();
  });

  it('builds the signing string with the lower-cased method and target', () => {
    const parsed = parseCavageSignature(signed('x'))!;
    expect(signingString(parsed, 'POST', '/inbox', headers)).toBe(
      [
        '(request-target): post /inbox',
        'host: guildhall.example',
        'date: Sun, 22 Nov 2026 08:00:00 GMT',
        'digest: SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=',
        'content-type: application/activity+json',
      ].join('\n'),
    );
  });

  it('has no signing string when a covered header is missing or a pseudo-header other than the target', () => {
    const parsed = parseCavageSignature(signed('x'))!;
    const { digest: _digest, ...withoutDigest } = headers;
    expect(signingString(parsed, 'POST', '/inbox', withoutDigest)).toBeNull();
    const created = parseCavageSignature('keyId="k",headers="(request-target) (created)",signature="YWJj"')!;
    expect(signingString(created, 'POST', '/inbox', headers)).toBeNull();
  });

  it('verifies an RSA signature over the signing string, and nothing else', () => {
    const parsed = parseCavageSignature(signed('x'))!;
    const text = signingString(parsed, 'POST', '/inbox', headers)!;
    const good = parseCavageSignature(signed(text))!;
    expect(verifyCavageSignature(good, text, rsa.publicKey)).toBe(true);
    expect(verifyCavageSignature(parseCavageSignature(signed(text, 'hs2019'))!, text, rsa.publicKey)).toBe(true);
    // Another target, another key, another algorithm, another key type: all false.
    expect(verifyCavageSignature(good, text.replace('post /inbox', 'post /users/a/inbox'), rsa.publicKey)).toBe(false);
    expect(verifyCavageSignature(good, text, generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey)).toBe(
      false,
    );
    expect(verifyCavageSignature(parseCavageSignature(signed(text, 'rsa-sha512'))!, text, rsa.publicKey)).toBe(false);
    expect(verifyCavageSignature(good, text, ed25519.publicKey)).toBe(false);
  });
});
