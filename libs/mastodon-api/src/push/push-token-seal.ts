import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@guildhall/core';

const VERSION = 'v1';

/**
 * Seals the access token a push subscription carries (Mastodon's push payload includes it, so
 * the app can fetch the notification): AES-256-GCM under a key derived (HKDF) from the instance's
 * stored secret, as the VAPID key is, so a copy of the table alone reveals no token.
 */
@Injectable()
export class PushTokenSeal {
  private readonly key: Buffer;

  constructor(config: ConfigService) {
    this.key = Buffer.from(hkdfSync('sha256', config.federationKeySecret, 'guildhall', 'web-push access token', 32));
  }

  seal(token: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const sealed = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
    return [
      VERSION,
      iv.toString('base64url'),
      sealed.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
    ].join('.');
  }

  /** The token, or null when it does not open (the instance secret changed). */
  open(sealed: string): string | null {
    const [version, iv, data, tag] = sealed.split('.');
    if (version !== VERSION || !iv || !data || !tag) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}
