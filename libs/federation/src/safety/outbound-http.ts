import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { Injectable } from '@nestjs/common';
import { Agent, buildConnector, type Dispatcher, setGlobalDispatcher } from 'undici';
import { ConfigService } from '@guildhall/core';
import { classifyAddress } from './address-class';

export { isPrivateAddress } from './address-class';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** Why a connection was not opened: undici hands it to the caller as the request's cause. */
export class PrivateAddressError extends Error {
  readonly code = 'EPRIVATEADDRESS';

  constructor(host: string, address: string, kind: string) {
    super(
      `refusing to connect to ${kind} address ${address}${host === address ? '' : ` (${host})`}; ` +
        'set FEDERATION_ALLOW_PRIVATE_ADDRESSES=true to allow',
    );
    this.name = 'PrivateAddressError';
  }
}

/** The first DNS answer that is not a public address, with its class; null when all are public. */
function firstNonPublic(addresses: LookupAddress[]): { address: string; kind: string } | null {
  for (const { address } of addresses) {
    const kind = classifyAddress(address);
    if (kind !== 'public') return { address, kind: kind ?? 'unknown' };
  }
  return null;
}

/**
 * A DNS lookup that refuses private answers. Checked when the socket connects (not when a URL is
 * validated), so a name that re-resolves to 127.0.0.1 between check and use is still refused.
 */
function publicOnlyLookup(hostname: string, options: object, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const refused = firstNonPublic(addresses);
    if (refused) return callback(new PrivateAddressError(hostname, refused.address, refused.kind), []);
    if ((options as { all?: boolean }).all) return callback(null, addresses);
    return callback(null, addresses[0].address, addresses[0].family);
  });
}

/**
 * undici's connector with the address guard in front: an IP literal (which never reaches a DNS
 * lookup, so `publicOnlyLookup` alone would let `http://127.0.0.1/` through) is classified here,
 * a name by its DNS answers at connect time. Every connection of every request passes here,
 * redirects included.
 */
function guardedConnector(connectTimeoutMs: number): buildConnector.connector {
  const connect = buildConnector({ timeout: connectTimeoutMs, lookup: publicOnlyLookup });
  return (options, callback) => {
    const kind = classifyAddress(options.hostname);
    if (kind !== null && kind !== 'public') {
      const address = options.hostname.replace(/^\[(.*)\]$/, '$1');
      return callback(new PrivateAddressError(address, address, kind), null);
    }
    return connect(options, callback);
  };
}

/**
 * The process's one outbound HTTP client (ADR 0018). Its dispatcher bounds every request (connect,
 * header and body timeouts) and, unless FEDERATION_ALLOW_PRIVATE_ADDRESSES is on, refuses to
 * connect to anything but public unicast addresses, IP literals and DNS answers alike. Our own
 * requests go through `fetch` and `dispatcher`; it is also installed as undici's global dispatcher
 * because Fedify's `sendActivity` (Accept, Reject of inbound Follows) calls the global `fetch`
 * and takes no fetch option. No other module calls `fetch` or undici (outbound-boundary.spec.ts).
 */
@Injectable()
export class OutboundHttp {
  readonly dispatcher: Dispatcher;
  readonly allowPrivateAddresses: boolean;
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  readonly userAgent: string;

  constructor(config: ConfigService) {
    const { federation, federationAllowPrivateAddresses, publicOrigin } = config.values;
    this.allowPrivateAddresses = federationAllowPrivateAddresses;
    this.timeoutMs = federation.timeoutMs;
    this.maxBodyBytes = federation.maxBodyBytes;
    this.userAgent = `Guildhall/0.1 (+${publicOrigin})`;
    const connectTimeout = Math.min(this.timeoutMs, 10_000);
    this.dispatcher = new Agent({
      connectTimeout,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      connections: 64,
      connect: this.allowPrivateAddresses ? undefined : guardedConnector(connectTimeout),
    });
    setGlobalDispatcher(this.dispatcher);
  }

  /** `fetch` through this client's dispatcher (callers handle redirects: see safeGet). */
  fetch(request: Request): Promise<Response> {
    return fetch(request, { dispatcher: this.dispatcher });
  }
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
