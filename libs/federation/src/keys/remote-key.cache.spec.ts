import { generateKeyPairSync } from 'node:crypto';
import { parseCryptographicKey } from './remote-key.cache';

const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' });
const keyId = 'https://remote.example/users/a#main-key';
const stored = {
  '@context': 'https://w3id.org/security/v1',
  id: keyId,
  type: 'CryptographicKey',
  owner: 'https://remote.example/users/a',
  publicKeyPem: pem,
};

describe('parseCryptographicKey (Fedify’s cached key documents)', () => {
  it('parses a compacted CryptographicKey into an RSA key and its owner', () => {
    const parsed = parseCryptographicKey(stored, keyId);
    expect(parsed?.ownerId).toBe('https://remote.example/users/a');
    expect(parsed?.key.asymmetricKeyType).toBe('rsa');
    expect(parsed?.key.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it('refuses another key id, another type, a missing owner, a broken or non-RSA key', () => {
    expect(parseCryptographicKey(stored, 'https://remote.example/users/b#main-key')).toBeNull();
    expect(parseCryptographicKey({ ...stored, type: 'Multikey' }, keyId)).toBeNull();
    expect(parseCryptographicKey({ ...stored, owner: undefined }, keyId)).toBeNull();
    expect(parseCryptographicKey({ ...stored, publicKeyPem: 'not a key' }, keyId)).toBeNull();
    const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' });
    expect(parseCryptographicKey({ ...stored, publicKeyPem: ed }, keyId)).toBeNull();
    expect(parseCryptographicKey(null, keyId)).toBeNull();
  });
});

describe('parseCryptographicKey (expanded JSON-LD, as Fedify keeps a key it found in an actor)', () => {
  const expanded = {
    '@id': keyId,
    'https://w3id.org/security#owner': [{ '@id': 'https://remote.example/users/a' }],
    'https://w3id.org/security#publicKeyPem': [{ '@value': pem }],
  };

  it('parses it, with or without its @type, bare or in a one-element array', () => {
    expect(parseCryptographicKey(expanded, keyId)?.ownerId).toBe('https://remote.example/users/a');
    const typed = { ...expanded, '@type': ['https://w3id.org/security#Key'] };
    expect(parseCryptographicKey([typed], keyId)?.key.asymmetricKeyType).toBe('rsa');
  });

  it('refuses another type, two owners, or another id', () => {
    expect(parseCryptographicKey({ ...expanded, '@type': ['https://w3id.org/security#Multikey'] }, keyId)).toBeNull();
    const twoOwners = [{ '@id': 'https://remote.example/users/a' }, { '@id': 'https://remote.example/users/b' }];
    expect(parseCryptographicKey({ ...expanded, 'https://w3id.org/security#owner': twoOwners }, keyId)).toBeNull();
    expect(parseCryptographicKey({ ...expanded, '@id': 'https://remote.example/k' }, keyId)).toBeNull();
  });
});
