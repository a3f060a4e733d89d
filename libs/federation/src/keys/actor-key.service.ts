import { createPublicKey, KeyObject, webcrypto } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { BoundedMap, ConfigService } from '@guildhall/core';
import { ActorKeyEntity } from './actor-key.entity';
import { ActorKeyRepository } from './actor-key.repository';
import { KeyCipher } from './key-cipher';

type KeyPair = webcrypto.CryptoKeyPair;
type Algorithm = webcrypto.RsaHashedImportParams | webcrypto.Algorithm;

/** RSA-2048 as Mastodon expects (Fedify's own generator makes 4096-bit keys, ~5× slower to sign). */
const RSA: webcrypto.RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
};
const ED25519: webcrypto.Algorithm = { name: 'Ed25519' };

// Node's WebCrypto directly: Fedify's key helpers are typed with the DOM's CryptoKey, which this
// project's libs (es2023, no DOM) do not declare.
const { subtle } = webcrypto;
const generate = (algorithm: webcrypto.RsaHashedKeyGenParams | webcrypto.Algorithm) =>
  subtle.generateKey(algorithm, true, ['sign', 'verify']) as Promise<KeyPair>;
const toPem = (key: webcrypto.CryptoKey) => KeyObject.from(key).export({ type: 'spki', format: 'pem' }) as string;
const fromPem = (pem: string, algorithm: Algorithm) => createPublicKey(pem).toCryptoKey(algorithm, true, ['verify']);
const importPrivate = (jwk: string, algorithm: Algorithm) =>
  subtle.importKey('jwk', JSON.parse(jwk) as webcrypto.JsonWebKey, algorithm, true, ['sign']);

/** The owner id under which the instance actor's keys are stored (it has no account row). */
export const INSTANCE_ACTOR_KEY_ID = '00000000-0000-0000-0000-000000000000';

/** Parsed keys kept per process: importing a PEM/JWK costs far more than a signature (DESIGN.md). */
const CACHE_LIMIT = 10_000;

/**
 * Each actor's key pairs, generated once on first need and stored; [RSA-2048, Ed25519], the
 * order Fedify's key-pairs dispatcher wants (the first RSA key is `#main-key`).
 */
@Injectable()
export class ActorKeyService {
  private readonly logger = new Logger(ActorKeyService.name);
  private readonly cipher: KeyCipher;
  private readonly cache = new BoundedMap<string, Promise<KeyPair[]>>(CACHE_LIMIT);

  constructor(
    private readonly keys: ActorKeyRepository,
    config: ConfigService,
  ) {
    this.cipher = new KeyCipher(config.federationKeySecret);
  }

  keyPairs(accountId: string): Promise<KeyPair[]> {
    let pending = this.cache.get(accountId);
    if (!pending) {
      pending = this.load(accountId);
      // Forget a failure so the next request tries again.
      pending.catch(() => this.cache.delete(accountId));
      this.cache.set(accountId, pending);
    }
    return pending;
  }

  private async load(accountId: string): Promise<KeyPair[]> {
    const row = (await this.keys.find(accountId)) ?? (await this.generate(accountId));
    const open = (sealed: string) => this.cipher.decrypt(sealed, accountId);
    const [rsaPrivate, edPrivate] = await Promise.all([
      importPrivate(open(row.rsaPrivateKey), RSA),
      importPrivate(open(row.ed25519PrivateKey), ED25519),
    ]);
    return [
      { publicKey: fromPem(row.rsaPublicKey, RSA), privateKey: rsaPrivate },
      { publicKey: fromPem(row.ed25519PublicKey, ED25519), privateKey: edPrivate },
    ];
  }

  private async generate(accountId: string): Promise<ActorKeyEntity> {
    const [rsa, ed] = await Promise.all([generate(RSA), generate(ED25519)]);
    const seal = async (key: webcrypto.CryptoKey) =>
      this.cipher.encrypt(JSON.stringify(await subtle.exportKey('jwk', key)), accountId);
    const row = await this.keys.insertOrGet({
      accountId,
      rsaPublicKey: toPem(rsa.publicKey),
      rsaPrivateKey: await seal(rsa.privateKey),
      ed25519PublicKey: toPem(ed.publicKey),
      ed25519PrivateKey: await seal(ed.privateKey),
    });
    this.logger.log({ msg: 'actor keys generated', accountId });
    return row;
  }
}
