import { Injectable } from '@nestjs/common';
import argon2 from 'argon2';

/**
 * argon2id at OWASP's first recommended setting (19 MiB, 2 passes, 1 lane): about 25 ms on
 * one core here, so two cores verify ~70 log-ins a second while a guessing attacker pays
 * the same memory-hard cost per guess. See docs/adr/0004-argon2id-cost.md.
 */
export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

@Injectable()
export class PasswordService {
  /** A hash to verify against when no user matched, so both paths cost the same time. */
  private readonly decoy = argon2.hash('decoy password, never matches', ARGON2_OPTIONS);

  hash(password: string): Promise<string> {
    return argon2.hash(password, ARGON2_OPTIONS);
  }

  async verify(hash: string | undefined, password: string): Promise<boolean> {
    if (hash === undefined) {
      await argon2.verify(await this.decoy, password);
      return false;
    }
    return argon2.verify(hash, password);
  }
}
