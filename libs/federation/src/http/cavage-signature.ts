import { type KeyObject, verify } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** A parsed draft-cavage `Signature` header (draft-cavage-http-signatures-12 §4.1). */
export interface CavageSignature {
  keyId: string;
  /** Lower-case; absent when the sender left it out (then the key decides, as with `hs2019`). */
  algorithm: string | undefined;
  /** The covered headers, lower-case, in signing order. */
  headers: string[];
  signature: Buffer;
}

/** Parameters are `name="value"` (or a bare token) separated by commas. */
const PARAMETER = /\s*([a-zA-Z]+)\s*=\s*(?:"([^"]*)"|([^,\s"]*))\s*(?:,|$)/y;

/** Parses a `Signature` header; null when it is not one this parser fully understands. */
export function parseCavageSignature(header: string): CavageSignature | null {
  const params = new Map<string, string>();
  PARAMETER.lastIndex = 0;
  while (PARAMETER.lastIndex < header.length) {
    const match = PARAMETER.exec(header);
    if (!match) return null;
    const name = match[1].toLowerCase();
    if (params.has(name)) return null;
    params.set(name, match[2] ?? match[3]);
  }
  const keyId = params.get('keyid');
  const signature = params.get('signature');
  if (!keyId || !signature || !/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return null;
  return {
    keyId,
    algorithm: params.get('algorithm')?.toLowerCase(),
    headers: (params.get('headers') ?? 'date').toLowerCase().trim().split(/\s+/),
    signature: Buffer.from(signature, 'base64'),
  };
}

/**
 * The signing string (§2.3) of a request, or null when a covered header is missing or is a
 * pseudo-header other than `(request-target)` (`(created)`, `(expires)`: left to Fedify).
 */
export function signingString(
  signature: CavageSignature,
  method: string,
  target: string,
  headers: IncomingHttpHeaders,
): string | null {
  const lines: string[] = [];
  for (const name of signature.headers) {
    if (name === '(request-target)') {
      lines.push(`(request-target): ${method.toLowerCase()} ${target}`);
      continue;
    }
    if (name.startsWith('(')) return null;
    const value = headers[name];
    if (value === undefined) return null;
    lines.push(`${name}: ${Array.isArray(value) ? value.join(', ') : value}`);
  }
  return lines.join('\n');
}

/** Algorithms an RSA key may be named by: `rsa-sha256`, or `hs2019`/none (the key decides). */
const RSA_SHA256 = new Set([undefined, 'rsa-sha256', 'hs2019']);

/** RSASSA-PKCS1-v1_5 with SHA-256 over the signing string; false for any other key or algorithm. */
export function verifyCavageSignature(signature: CavageSignature, text: string, key: KeyObject): boolean {
  if (key.asymmetricKeyType !== 'rsa' || !RSA_SHA256.has(signature.algorithm)) return false;
  return verify('sha256', Buffer.from(text), key, signature.signature);
}
