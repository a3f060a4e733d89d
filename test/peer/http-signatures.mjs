// HTTP Signatures written with node:crypto only, independent of Fedify: a verifier for what
// arrives at the peer's inboxes, and a signer for the deliberately (mis)signed raw POSTs.
// draft-cavage-http-signatures-12 (as Mastodon speaks it) and RFC 9421 (HTTP Message Signatures).
import { createHash, createPublicKey, sign as cryptoSign, verify as cryptoVerify, constants } from 'node:crypto';

const HOUR_MS = 60 * 60 * 1000;

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

/** A header's value from a lower-cased header map (node joins repeated headers already). */
function header(headers, name) {
  const value = headers[name.toLowerCase()];
  if (value == null) return null;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

const sha = (algorithm, body) => createHash(algorithm).update(body).digest();

function equalBytes(a, b) {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function decodeBase58(text) {
  let value = 0n;
  for (const char of text) {
    const digit = BASE58.indexOf(char);
    if (digit < 0) throw new Error(`bad base58 character ${char}`);
    value = value * 58n + BigInt(digit);
  }
  const bytes = [];
  while (value > 0n) {
    bytes.unshift(Number(value & 0xffn));
    value >>= 8n;
  }
  for (const char of text) {
    if (char !== '1') break;
    bytes.unshift(0);
  }
  return Buffer.from(bytes);
}

/** A Multikey `publicKeyMultibase` (base58btc, multicodec ed25519-pub or rsa-pub) as a KeyObject. */
function multikeyToKey(multibase) {
  if (!multibase.startsWith('z')) throw new Error('only base58btc multibase keys are supported');
  const bytes = decodeBase58(multibase.slice(1));
  if (bytes[0] === 0xed && bytes[1] === 0x01) {
    return createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: bytes.subarray(2).toString('base64url') },
      format: 'jwk',
    });
  }
  if (bytes[0] === 0x85 && bytes[1] === 0x24) {
    return createPublicKey({ key: bytes.subarray(2), format: 'der', type: 'pkcs1' });
  }
  throw new Error('unsupported multicodec key type');
}

// ---------------------------------------------------------------------------------------------
// Structured fields (RFC 8941): just enough for Signature-Input and Signature dictionaries
// ---------------------------------------------------------------------------------------------

class SfParser {
  constructor(text) {
    this.text = text;
    this.pos = 0;
  }
  ws() {
    while (this.pos < this.text.length && (this.text[this.pos] === ' ' || this.text[this.pos] === '\t')) this.pos++;
  }
  peek() {
    return this.text[this.pos];
  }
  fail(what) {
    throw new Error(`structured field: ${what} at ${this.pos}`);
  }
  key() {
    const match = /^[a-z*][a-z0-9_\-.*]*/.exec(this.text.slice(this.pos));
    if (!match) this.fail('key expected');
    this.pos += match[0].length;
    return match[0];
  }
  bareItem() {
    const c = this.peek();
    if (c === '"') {
      this.pos++;
      let out = '';
      while (this.pos < this.text.length) {
        const ch = this.text[this.pos++];
        if (ch === '\\') out += this.text[this.pos++];
        else if (ch === '"') return { type: 'string', value: out };
        else out += ch;
      }
      this.fail('unterminated string');
    }
    if (c === ':') {
      const end = this.text.indexOf(':', this.pos + 1);
      if (end < 0) this.fail('unterminated byte sequence');
      const value = Buffer.from(this.text.slice(this.pos + 1, end), 'base64');
      this.pos = end + 1;
      return { type: 'bytes', value };
    }
    if (c === '?') {
      this.pos += 2;
      return { type: 'boolean', value: this.text[this.pos - 1] === '1' };
    }
    const number = /^-?\d+(\.\d+)?/.exec(this.text.slice(this.pos));
    if (number) {
      this.pos += number[0].length;
      return { type: number[1] ? 'decimal' : 'integer', value: Number(number[0]) };
    }
    const token = /^[A-Za-z*][A-Za-z0-9:/!#$%&'*+\-.^_`|~]*/.exec(this.text.slice(this.pos));
    if (token) {
      this.pos += token[0].length;
      return { type: 'token', value: token[0] };
    }
    return this.fail('item expected');
  }
  params() {
    const params = [];
    while (this.peek() === ';') {
      this.pos++;
      this.ws();
      const key = this.key();
      let value = { type: 'boolean', value: true };
      if (this.peek() === '=') {
        this.pos++;
        value = this.bareItem();
      }
      params.push([key, value]);
    }
    return params;
  }
  itemOrInnerList() {
    if (this.peek() === '(') {
      this.pos++;
      const items = [];
      for (;;) {
        this.ws();
        if (this.peek() === ')') {
          this.pos++;
          break;
        }
        const item = this.bareItem();
        items.push({ ...item, params: this.params() });
        if (this.peek() !== ' ' && this.peek() !== ')') this.fail('inner list separator expected');
      }
      return { type: 'inner-list', value: items, params: this.params() };
    }
    const item = this.bareItem();
    return { ...item, params: this.params() };
  }
  dictionary() {
    const out = new Map();
    this.ws();
    while (this.pos < this.text.length) {
      const key = this.key();
      let member = { type: 'boolean', value: true, params: [] };
      if (this.peek() === '=') {
        this.pos++;
        member = this.itemOrInnerList();
      } else member.params = this.params();
      out.set(key, member);
      this.ws();
      if (this.pos >= this.text.length) break;
      if (this.peek() !== ',') this.fail('comma expected');
      this.pos++;
      this.ws();
    }
    return out;
  }
}

export function parseSfDictionary(text) {
  return new SfParser(text).dictionary();
}

function serializeBareItem(item) {
  switch (item.type) {
    case 'string':
      return `"${item.value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
    case 'bytes':
      return `:${item.value.toString('base64')}:`;
    case 'boolean':
      return item.value ? '?1' : '?0';
    default:
      return String(item.value);
  }
}

function serializeParams(params) {
  return params
    .map(([key, value]) =>
      value.type === 'boolean' && value.value ? `;${key}` : `;${key}=${serializeBareItem(value)}`,
    )
    .join('');
}

function serializeInnerList(member) {
  const items = member.value.map((item) => serializeBareItem(item) + serializeParams(item.params));
  return `(${items.join(' ')})${serializeParams(member.params)}`;
}

// ---------------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------------

/**
 * Finds the key `keyId` in a fetched document: a key document itself, an actor with `publicKey`
 * (object or array), or an actor's `assertionMethod` Multikey. Returns `{ key, owner }`.
 */
export function extractKey(doc, keyId) {
  if (doc == null || typeof doc !== 'object') throw new Error('key document is not a JSON object');
  const asArray = (value) => (value == null ? [] : Array.isArray(value) ? value : [value]);
  const fromPem = (entry, owner) => ({ key: createPublicKey(entry.publicKeyPem), owner: entry.owner ?? owner });
  if (doc.id === keyId && typeof doc.publicKeyPem === 'string') return fromPem(doc, null);
  if (doc.id === keyId && typeof doc.publicKeyMultibase === 'string') {
    return { key: multikeyToKey(doc.publicKeyMultibase), owner: doc.controller ?? null };
  }
  for (const entry of asArray(doc.publicKey)) {
    if (entry && typeof entry === 'object' && entry.id === keyId && typeof entry.publicKeyPem === 'string') {
      return fromPem(entry, doc.id ?? null);
    }
  }
  for (const entry of asArray(doc.assertionMethod)) {
    if (entry && typeof entry === 'object' && entry.id === keyId && typeof entry.publicKeyMultibase === 'string') {
      return { key: multikeyToKey(entry.publicKeyMultibase), owner: entry.controller ?? doc.id ?? null };
    }
  }
  throw new Error(`no key ${keyId} in the fetched document`);
}

// ---------------------------------------------------------------------------------------------
// Verifier
// ---------------------------------------------------------------------------------------------

function verifyWithKey(key, algorithm, data, signature) {
  const type = key.asymmetricKeyType;
  const alg = (algorithm ?? '').toLowerCase();
  if (type === 'ed25519') {
    if (alg && alg !== 'ed25519' && alg !== 'hs2019')
      throw new Error(`algorithm ${algorithm} does not fit an Ed25519 key`);
    return cryptoVerify(null, data, key, signature);
  }
  if (type === 'rsa') {
    if (alg === 'rsa-pss-sha512') {
      return cryptoVerify('sha512', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 }, signature);
    }
    if (alg && !['rsa-sha256', 'hs2019', 'rsa-v1_5-sha256'].includes(alg)) {
      throw new Error(`unsupported algorithm ${algorithm} for an RSA key`);
    }
    return cryptoVerify('sha256', data, key, signature);
  }
  throw new Error(`unsupported key type ${type}`);
}

/** Checks `Digest: SHA-256=…` (possibly among other algorithms) against the raw body. */
function checkDigest(value, body) {
  const entries = value.split(',').map((part) => part.trim());
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    const algorithm = entry.slice(0, eq).toLowerCase();
    const expected = Buffer.from(entry.slice(eq + 1), 'base64');
    if (algorithm === 'sha-256') return equalBytes(expected, sha('sha256', body)) ? null : 'Digest mismatch (SHA-256)';
    if (algorithm === 'sha-512') return equalBytes(expected, sha('sha512', body)) ? null : 'Digest mismatch (SHA-512)';
  }
  return `no supported algorithm in Digest: ${value}`;
}

/** Checks `Content-Digest: sha-256=:…:` (RFC 9530) against the raw body. */
function checkContentDigest(value, body) {
  let dict;
  try {
    dict = parseSfDictionary(value);
  } catch (error) {
    return `malformed Content-Digest: ${error.message}`;
  }
  for (const [algorithm, member] of dict) {
    if (member.type !== 'bytes') continue;
    if (algorithm === 'sha-256')
      return equalBytes(member.value, sha('sha256', body)) ? null : 'Content-Digest mismatch';
    if (algorithm === 'sha-512')
      return equalBytes(member.value, sha('sha512', body)) ? null : 'Content-Digest mismatch';
  }
  return `no supported algorithm in Content-Digest: ${value}`;
}

function parseDraftSignature(value) {
  const params = {};
  const re = /\s*([A-Za-z]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([0-9.]+))\s*(?:,|$)/gy;
  let match;
  let last = 0;
  while ((match = re.exec(value)) !== null) {
    params[match[1]] = match[2] ?? match[3];
    last = re.lastIndex;
    if (last >= value.length) break;
  }
  if (last < value.trim().length) throw new Error('malformed Signature header');
  return params;
}

/**
 * Creates a verifier. `loadKey(keyId, { refresh })` resolves to `{ key: KeyObject, owner }`.
 * `verify({ method, url, headers, body })` never throws: it answers
 * `{ verified, scheme, keyId, keyOwner, algorithm, signedHeaders, reason }`.
 */
export function createVerifier({ loadKey, now = () => Date.now() }) {
  async function withKey(keyId, check) {
    let loaded = await loadKey(keyId, { refresh: false });
    if (check(loaded.key)) return { ok: true, owner: loaded.owner };
    // A key that fails may have rotated: fetch it once more.
    loaded = await loadKey(keyId, { refresh: true });
    return { ok: check(loaded.key), owner: loaded.owner };
  }

  async function verifyDraft(request, result) {
    const url = new URL(request.url);
    let raw = header(request.headers, 'signature');
    if (raw == null) {
      const authorization = header(request.headers, 'authorization');
      if (authorization?.startsWith('Signature ')) raw = authorization.slice('Signature '.length);
    }
    const params = parseDraftSignature(raw);
    result.keyId = params.keyId ?? null;
    result.algorithm = params.algorithm ?? null;
    if (!params.keyId) return 'Signature has no keyId';
    if (!params.signature) return 'Signature has no signature';
    const names = (params.headers ?? 'date').trim().toLowerCase().split(/\s+/);
    result.signedHeaders = names;
    const method = request.method.toUpperCase();
    const hasBody = method !== 'GET' && method !== 'HEAD';

    if (!names.includes('(request-target)')) return '(request-target) is not signed';
    if (!names.includes('date') && !names.includes('(created)')) return 'neither date nor (created) is signed';
    if (method === 'GET' && !names.includes('host')) return 'host is not signed on a GET';
    if (hasBody) {
      const digest = header(request.headers, 'digest');
      if (digest == null) return 'Digest header missing';
      if (!names.includes('digest')) return 'digest is not signed';
      const problem = checkDigest(digest, request.body);
      if (problem) return problem;
    }
    if (names.includes('date')) {
      const date = header(request.headers, 'date');
      const time = date == null ? NaN : Date.parse(date);
      if (Number.isNaN(time)) return `Date header missing or unparsable: ${date}`;
      if (Math.abs(now() - time) > HOUR_MS) return `Date ${date} is more than an hour away`;
    }
    if (names.includes('(created)')) {
      const created = Number(params.created) * 1000;
      if (!Number.isFinite(created)) return '(created) signed but no created parameter';
      if (Math.abs(now() - created) > HOUR_MS) return `created ${params.created} is more than an hour away`;
    }
    if (names.includes('(expires)') && Number(params.expires) * 1000 < now()) return 'signature expired';

    const build = (target) => {
      const lines = [];
      for (const name of names) {
        if (name === '(request-target)') lines.push(`(request-target): ${method.toLowerCase()} ${target}`);
        else if (name === '(created)') lines.push(`(created): ${params.created}`);
        else if (name === '(expires)') lines.push(`(expires): ${params.expires}`);
        else {
          const value = header(request.headers, name);
          if (value == null) throw new Error(`signed header ${name} is missing`);
          lines.push(`${name}: ${value.trim()}`);
        }
      }
      return Buffer.from(lines.join('\n'));
    };
    const targets = url.search ? [url.pathname + url.search, url.pathname] : [url.pathname];
    let strings;
    try {
      strings = targets.map(build);
    } catch (error) {
      return error.message;
    }
    const signature = Buffer.from(params.signature, 'base64');
    const outcome = await withKey(params.keyId, (key) =>
      strings.some((data) => verifyWithKey(key, params.algorithm, data, signature)),
    );
    result.keyOwner = outcome.owner;
    return outcome.ok ? null : 'signature does not verify';
  }

  async function verifyRfc9421(request, result) {
    const url = new URL(request.url);
    const inputs = parseSfDictionary(header(request.headers, 'signature-input'));
    const signatures = parseSfDictionary(header(request.headers, 'signature') ?? '');
    const label = [...inputs.keys()].find((name) => signatures.get(name)?.type === 'bytes');
    if (label == null) return 'no Signature matches a Signature-Input label';
    const input = inputs.get(label);
    if (input.type !== 'inner-list') return `Signature-Input ${label} is not an inner list`;
    const params = Object.fromEntries(input.params.map(([key, value]) => [key, value.value]));
    result.keyId = params.keyid ?? null;
    result.algorithm = params.alg ?? null;
    const components = input.value.map((item) => item.value);
    result.signedHeaders = components;
    if (!params.keyid) return 'Signature-Input has no keyid';
    if (typeof params.created !== 'number') return 'Signature-Input has no created';
    if (Math.abs(now() - params.created * 1000) > HOUR_MS) return `created ${params.created} is more than an hour away`;
    if (typeof params.expires === 'number' && params.expires * 1000 < now()) return 'signature expired';
    const method = request.method.toUpperCase();
    if (!components.includes('@method')) return '@method is not signed';
    if (!components.includes('@target-uri') && !(components.includes('@authority') && components.includes('@path'))) {
      return 'neither @target-uri nor @authority and @path are signed';
    }
    if (method !== 'GET' && method !== 'HEAD') {
      const digest = header(request.headers, 'content-digest');
      if (digest == null) return 'Content-Digest header missing';
      if (!components.includes('content-digest')) return 'content-digest is not signed';
      const problem = checkContentDigest(digest, request.body);
      if (problem) return problem;
    }
    const lines = [];
    for (const item of input.value) {
      const name = item.value;
      const id = serializeBareItem({ type: 'string', value: name }) + serializeParams(item.params);
      let value;
      switch (name) {
        case '@method':
          value = method;
          break;
        case '@target-uri':
          value = url.href;
          break;
        case '@authority':
          value = url.host.toLowerCase();
          break;
        case '@scheme':
          value = url.protocol.slice(0, -1);
          break;
        case '@request-target':
          value = url.pathname + url.search;
          break;
        case '@path':
          value = url.pathname;
          break;
        case '@query':
          value = url.search || '?';
          break;
        default:
          if (name.startsWith('@')) return `unsupported derived component ${name}`;
          value = header(request.headers, name);
          if (value == null) return `signed header ${name} is missing`;
          value = value.trim();
      }
      lines.push(`${id}: ${value}`);
    }
    lines.push(`"@signature-params": ${serializeInnerList(input)}`);
    const data = Buffer.from(lines.join('\n'));
    const signature = signatures.get(label).value;
    const outcome = await withKey(params.keyid, (key) => verifyWithKey(key, params.alg, data, signature));
    result.keyOwner = outcome.owner;
    return outcome.ok ? null : 'signature does not verify';
  }

  return {
    /** `request`: `{ method, url (absolute, as received), headers (lower-cased), body (Buffer) }`. */
    async verify(request) {
      const result = {
        verified: false,
        scheme: null,
        keyId: null,
        keyOwner: null,
        algorithm: null,
        signedHeaders: [],
        reason: null,
      };
      const hasInput = header(request.headers, 'signature-input') != null;
      const hasDraft =
        (!hasInput && header(request.headers, 'signature') != null) ||
        header(request.headers, 'authorization')?.startsWith('Signature ');
      if (!hasInput && !hasDraft) {
        result.reason = 'unsigned: no Signature or Signature-Input header';
        return result;
      }
      result.scheme = hasInput ? 'rfc9421' : 'draft-cavage';
      try {
        result.reason = hasInput ? await verifyRfc9421(request, result) : await verifyDraft(request, result);
      } catch (error) {
        result.reason = error instanceof Error ? error.message : String(error);
      }
      result.verified = result.reason === null;
      return result;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Signer (for raw, possibly broken, requests)
// ---------------------------------------------------------------------------------------------

/**
 * Signs a request with draft-cavage-http-signatures (rsa-sha256 over the listed headers).
 * `headers` is a lower-cased plain object that is completed (host, date, digest) and returned
 * with `signature` set. Options:
 *  - `signedHeaders`: names to sign (default `(request-target) host date digest content-type`,
 *    or `(request-target) host date accept` without a body), names missing from `headers` are skipped;
 *  - `omit`: header names neither sent nor signed (`date`, `digest`, `host`, `content-type`, `(request-target)`);
 *  - `date`: the Date value to send and sign.
 */
export function signDraftCavage({ method, url, headers, body, privateKey, keyId, signedHeaders, omit = [], date }) {
  const target = new URL(url);
  const out = { ...headers };
  const omitted = new Set(omit.map((name) => name.toLowerCase()));
  if (!omitted.has('host')) out.host ??= target.host;
  if (!omitted.has('date')) out.date = date ?? out.date ?? new Date().toUTCString();
  if (body != null && !omitted.has('digest')) out.digest ??= `SHA-256=${sha('sha256', body).toString('base64')}`;
  const defaults =
    body != null
      ? ['(request-target)', 'host', 'date', 'digest', 'content-type']
      : ['(request-target)', 'host', 'date', 'accept'];
  const names = (signedHeaders ?? defaults)
    .map((name) => name.toLowerCase())
    .filter((name) => !omitted.has(name) && (name.startsWith('(') || out[name] != null));
  const lines = names.map((name) =>
    name === '(request-target)'
      ? `(request-target): ${method.toLowerCase()} ${target.pathname}${target.search}`
      : `${name}: ${String(out[name]).trim()}`,
  );
  const signature = cryptoSign('sha256', Buffer.from(lines.join('\n')), privateKey).toString('base64');
  out.signature = `keyId="${keyId}",algorithm="rsa-sha256",headers="${names.join(' ')}",signature="${signature}"`;
  for (const name of omitted) if (!name.startsWith('(')) delete out[name];
  return out;
}

/**
 * Signs a request with RFC 9421 (`sig1`, rsa-v1_5-sha256 or ed25519 depending on the key) over
 * `@method @target-uri @authority` plus `content-digest` when there is a body and `date`.
 * Options as for {@link signDraftCavage} (`omit` may contain `content-digest` and `date`); `created`
 * is the Date's time, `expires` (epoch seconds) is added when given.
 */
export function signRfc9421({ method, url, headers, body, privateKey, keyId, components, omit = [], date, expires }) {
  const target = new URL(url);
  const out = { ...headers };
  const omitted = new Set(omit.map((name) => name.toLowerCase()));
  if (!omitted.has('date')) out.date = date ?? out.date ?? new Date().toUTCString();
  if (body != null && !omitted.has('content-digest') && !omitted.has('digest')) {
    out['content-digest'] ??= `sha-256=:${sha('sha256', body).toString('base64')}:`;
  }
  const created = Math.floor((date ? Date.parse(date) : Date.now()) / 1000);
  const names = (components ?? ['@method', '@target-uri', '@authority', 'content-digest', 'date'])
    .map((name) => name.toLowerCase())
    .filter((name) => !omitted.has(name) && (name.startsWith('@') || out[name] != null));
  const ed25519 = privateKey.asymmetricKeyType === 'ed25519';
  const alg = ed25519 ? 'ed25519' : 'rsa-v1_5-sha256';
  const derived = {
    '@method': method.toUpperCase(),
    '@target-uri': target.href,
    '@authority': target.host,
    '@path': target.pathname,
    '@query': target.search || '?',
    '@scheme': target.protocol.slice(0, -1),
    '@request-target': target.pathname + target.search,
  };
  const params = `;alg="${alg}";keyid="${keyId}";created=${created}${expires == null ? '' : `;expires=${expires}`}`;
  const list = `(${names.map((name) => `"${name}"`).join(' ')})${params}`;
  const lines = names.map((name) => `"${name}": ${name.startsWith('@') ? derived[name] : String(out[name]).trim()}`);
  lines.push(`"@signature-params": ${list}`);
  const data = Buffer.from(lines.join('\n'));
  const signature = ed25519 ? cryptoSign(null, data, privateKey) : cryptoSign('sha256', data, privateKey);
  out['signature-input'] = `sig1=${list}`;
  out.signature = `sig1=:${signature.toString('base64')}:`;
  for (const name of omitted) if (!name.startsWith('@')) delete out[name];
  return out;
}
