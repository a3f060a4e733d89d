import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConfigService } from '@guildhall/core';
import { postToInbox, RequestTimeouts } from '../delivery/inbox-post';
import { OutboundHttp, PrivateAddressError } from './outbound-http';

const config = (allowPrivateAddresses: boolean) =>
  ({
    values: {
      publicOrigin: 'https://here.example',
      federationAllowPrivateAddresses: allowPrivateAddresses,
      federation: { timeoutMs: 5_000, maxBodyBytes: 1 << 20 },
    },
  }) as unknown as ConfigService;

/**
 * The client's dispatcher itself (no URL check in front of it, as for Fedify's sendActivity):
 * a loopback listener counts what reaches it.
 */
describe('OutboundHttp', () => {
  let server: Server;
  let port: number;
  let hits = 0;

  beforeAll(async () => {
    server = createServer((request, response) => {
      hits += 1;
      if (request.url === '/redirect') return void response.writeHead(302, { location: '/inbox' }).end();
      response.writeHead(202).end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '::', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    hits = 0;
  });

  const causeOf = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => null,
      (err: Error) => err,
    );
    const cause = (error as { cause?: Error } | null)?.cause ?? error;
    return cause === null ? 'resolved' : `${cause.name}: ${cause.message}`;
  };

  it.each([
    ['an IPv4 loopback literal', () => `http://127.0.0.1:${port}/inbox`, 'loopback address 127.0.0.1'],
    ['an IPv6 loopback literal', () => `http://[::1]:${port}/inbox`, 'loopback address ::1'],
    ['an IPv4-mapped IPv6 literal', () => `http://[::ffff:127.0.0.1]:${port}/inbox`, 'loopback address ::ffff:7f00:1'],
    ['a hexadecimal IPv4 literal', () => `http://0x7f.0.0.1:${port}/inbox`, 'loopback address 127.0.0.1'],
    ['the unspecified address', () => `http://0.0.0.0:${port}/inbox`, 'unspecified address 0.0.0.0'],
    ['a name resolving to loopback', () => `http://localhost:${port}/inbox`, '(localhost)'],
  ])('refuses %s at connect, before any byte is sent', async (_what, url, message) => {
    const http = new OutboundHttp(config(false));
    const cause = await causeOf(http.fetch(new Request(url(), { method: 'POST', body: '{}' })));

    // Node's fetch hands the connector's error on as the cause (re-wrapped across Jest's realm).
    expect(cause).toContain('PrivateAddressError: refusing to connect to');
    expect(cause).toContain(message);
    expect(hits).toBe(0);
  });

  it('refuses a delivery POST through the same dispatcher', async () => {
    const http = new OutboundHttp(config(false));
    const timeouts = new RequestTimeouts(5_000);
    const result = await causeOf(
      postToInbox(
        { origin: `http://127.0.0.1:${port}`, path: '/inbox', headers: {}, body: Buffer.from('{}') },
        timeouts,
        http.dispatcher,
      ),
    );
    timeouts.clear();

    expect(result).toBe(String(new PrivateAddressError('127.0.0.1', '127.0.0.1', 'loopback')));
    expect(hits).toBe(0);
  });

  it('connects anywhere when FEDERATION_ALLOW_PRIVATE_ADDRESSES is on, redirects included', async () => {
    const http = new OutboundHttp(config(true));
    const response = await http.fetch(new Request(`http://127.0.0.1:${port}/redirect`));

    expect(response.status).toBe(202);
    expect(await response.text()).toBe('ok');
    expect(hits).toBe(2);
  });
});
