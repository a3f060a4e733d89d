import { createHash, createVerify, KeyObject, webcrypto } from 'node:crypto';
import { bodyDigest, keyObjectOf, signedPostHeaders } from './http-signature';

describe('signedPostHeaders', () => {
  it('signs (request-target) host date digest content-type so that node:crypto verifies it', async () => {
    const pair = await webcrypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    );
    const body = '{"type":"Create"}';
    const inbox = new URL('https://remote.example:8443/inbox?x=1');
    const now = new Date('2026-11-22T12:00:00Z');
    const headers = await signedPostHeaders(
      inbox,
      bodyDigest(Buffer.from(body)),
      { keyId: 'https://here.example/users/a#main-key', privateKey: keyObjectOf(pair.privateKey) },
      now,
    );

    expect(headers.host).toBe('remote.example:8443');
    expect(headers.date).toBe('Sun, 22 Nov 2026 12:00:00 GMT');
    expect(headers.digest).toBe(`SHA-256=${createHash('sha256').update(body).digest('base64')}`);
    expect(headers['content-type']).toBe('application/activity+json');
    const params = Object.fromEntries(
      [...headers.signature.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]] as [string, string]),
    );
    expect(params.keyId).toBe('https://here.example/users/a#main-key');
    expect(params.algorithm).toBe('rsa-sha256');
    expect(params.headers).toBe('(request-target) host date digest content-type');

    const signingString = [
      '(request-target): post /inbox?x=1',
      'host: remote.example:8443',
      'date: Sun, 22 Nov 2026 12:00:00 GMT',
      `digest: ${headers.digest}`,
      'content-type: application/activity+json',
    ].join('\n');
    const verifier = createVerify('RSA-SHA256').update(signingString);
    expect(verifier.verify(KeyObject.from(pair.publicKey), params.signature, 'base64')).toBe(true);
  });

  it('converts a CryptoKey to a KeyObject once', async () => {
    const pair = await webcrypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    );
    const object = keyObjectOf(pair.privateKey);
    expect(object.type).toBe('private');
    expect(object.asymmetricKeyType).toBe('rsa');
    expect(keyObjectOf(pair.privateKey)).toBe(object);
  });
});
