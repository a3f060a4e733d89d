import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * An actor's key pairs: RSA-2048 (`#main-key`, HTTP Signatures) and Ed25519 (`#key-2`, Object
 * Integrity Proofs). Public keys in clear; private keys encrypted (see key-cipher.ts).
 * `account_id` is a local account's id, or INSTANCE_ACTOR_KEY_ID for the instance actor (which
 * has no account row, hence no foreign key).
 */
@Entity('actor_keys')
export class ActorKeyEntity {
  @PrimaryColumn({ type: 'uuid' })
  accountId: string;

  /** SPKI PEM ("-----BEGIN PUBLIC KEY-----"). */
  @Column({ type: 'text' })
  rsaPublicKey: string;

  /** The private JWK, AES-256-GCM encrypted: `v1.<iv>.<tag>.<ciphertext>` (base64url). */
  @Column({ type: 'text' })
  rsaPrivateKey: string;

  /** SPKI PEM. */
  @Column({ type: 'text' })
  ed25519PublicKey: string;

  @Column({ type: 'text' })
  ed25519PrivateKey: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
