import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { Agent, setGlobalDispatcher } from 'undici';

/** Loopback, private, link-local, CGNAT, multicast and reserved ranges: never a federation peer. */
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 6 && address.toLowerCase().startsWith('::ffff:')) {
    const v4 = address.slice(7);
    if (isIP(v4) === 4) return PRIVATE.check(v4, 'ipv4');
  }
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A DNS lookup that refuses private answers. Checked when the socket connects (not only when a URL
 * is validated), so a name that re-resolves to 127.0.0.1 between check and use is still refused.
 */
function publicOnlyLookup(hostname: string, options: object, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const list = addresses;
    const refused = list.find((entry) => isPrivateAddress(entry.address));
    if (refused) {
      const err: NodeJS.ErrnoException = new Error(
        `refusing to connect to private address ${refused.address} (${hostname}); set FEDERATION_ALLOW_PRIVATE_ADDRESSES=true to allow`,
      );
      err.code = 'EPRIVATEADDRESS';
      return callback(err, []);
    }
    const all = (options as { all?: boolean }).all;
    if (all) return callback(null, list);
    return callback(null, list[0].address, list[0].family);
  });
}

/**
 * Every outbound HTTP call of this process (Fedify's deliveries and fetches, our WebFinger and
 * document loads) goes through Node's global fetch; this bounds it: connect, header and body
 * timeouts, and, unless private addresses are allowed, a connect-time SSRF guard.
 */
export function installOutboundHttpPolicy(options: { timeoutMs: number; allowPrivateAddresses: boolean }): void {
  setGlobalDispatcher(
    new Agent({
      connectTimeout: Math.min(options.timeoutMs, 10_000),
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connections: 64,
      connect: options.allowPrivateAddresses ? undefined : { lookup: publicOnlyLookup },
    }),
  );
}

/** The body of `response`, refusing more than `maxBytes` (declared or streamed). */
export async function readLimited(response: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new BodyTooLargeError(maxBytes);
  }
  if (!response.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  // Throwing out of the loop cancels the stream (the iterator's return()).
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new BodyTooLargeError(maxBytes);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

export class BodyTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`body larger than ${maxBytes} bytes`);
    this.name = 'BodyTooLargeError';
  }
}
