import { createECDH, hkdfSync } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@guildhall/core';

/** The order of P-256's group: a private key is a scalar below it. */
const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

/**
 * The instance's VAPID key pair (Web Push, RFC 8292), shown to apps as `vapid_key`. It is
 * derived from the instance's stored secret (HKDF), so every process agrees on it, it survives
 * restarts and a backup carries it, with no second secret to keep.
 */
@Injectable()
export class PushKeys {
  readonly publicKey: string;
  readonly privateKey: string;

  constructor(config: ConfigService) {
    const secret = config.federationKeySecret;
    for (let counter = 0; ; counter++) {
      const candidate = Buffer.from(hkdfSync('sha256', secret, 'guildhall', `web-push vapid ${counter}`, 32));
      const scalar = BigInt(`0x${candidate.toString('hex')}`);
      if (scalar === 0n || scalar >= P256_ORDER) continue;
      const ecdh = createECDH('prime256v1');
      ecdh.setPrivateKey(candidate);
      this.privateKey = candidate.toString('base64url');
      this.publicKey = ecdh.getPublicKey().toString('base64url');
      return;
    }
  }
}
