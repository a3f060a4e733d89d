import type { RequestContext } from '@fedify/fedify';
import { ConfigService, parseConfig } from '@guildhall/core';
import { MediaReaderResolvers, type SignedMediaRequest } from '@guildhall/content';
import type { FederationService } from '../federation.service';
import type { DomainBlockCache } from '../moderation/domain-block.cache';
import type { FetchAuthorizer } from './fetch-authorizer';
import { SignedMediaReader } from './signed-media-reader';

const ORIGIN = 'https://guild.example';
const READER = '0190a5b2-1c3d-7e4f-8a9b-0c1d2e3f4a5b';

function signed(keyId: string, date = new Date().toUTCString()): SignedMediaRequest {
  return {
    method: 'GET',
    target: '/media/0190a5b2-1c3d-7e4f-8a9b-0c1d2e3f4a5c?size=small',
    headers: {
      host: 'guild.example',
      date,
      accept: 'image/*',
      signature: `keyId="${keyId}",algorithm="rsa-sha256",headers="(request-target) host date accept",signature="c2ln"`,
    },
  };
}

function setUp(options: { signer: URL | null; readerId?: string | null; blocked?: string[] }) {
  const contexts: Request[] = [];
  const federation = {
    federation: {
      createContext: (request: Request) => {
        contexts.push(request);
        return { request } as unknown as RequestContext<void>;
      },
    },
  } as unknown as FederationService;
  const fetches = {
    signer: jest.fn(() => Promise.resolve(options.signer)),
    readerId: jest.fn(() => Promise.resolve(options.readerId ?? null)),
  };
  const blocks = { isBlocked: (host: string) => (options.blocked ?? []).includes(host) } as DomainBlockCache;
  const config = new ConfigService(
    parseConfig({ PUBLIC_ORIGIN: ORIGIN }),
    { jwtSecret: 'j'.repeat(48), federationKeySecret: 'f'.repeat(48) },
    '',
  );
  const registry = new MediaReaderResolvers();
  const reader = new SignedMediaReader(config, federation, fetches as unknown as FetchAuthorizer, blocks, registry);
  return { reader, registry, contexts, fetches };
}

describe('SignedMediaReader', () => {
  it("names the verified signer's account, verifying the request as sent to PUBLIC_ORIGIN", async () => {
    const { reader, contexts, fetches } = setUp({
      signer: new URL('https://remote.example/users/bob'),
      readerId: READER,
    });
    await expect(reader.resolveSigned(signed('https://remote.example/users/bob#main-key'))).resolves.toEqual({
      verified: true,
      accountId: READER,
    });
    expect(contexts).toHaveLength(1);
    expect(contexts[0].method).toBe('GET');
    expect(contexts[0].url).toBe(`${ORIGIN}/media/0190a5b2-1c3d-7e4f-8a9b-0c1d2e3f4a5c?size=small`);
    expect(contexts[0].headers.get('signature')).toContain('keyId="https://remote.example/users/bob#main-key"');
    expect(fetches.readerId).toHaveBeenCalledTimes(1);
  });

  it('reads a verified signer we hold no account for as anonymous', async () => {
    const { reader } = setUp({ signer: new URL('https://remote.example/actor'), readerId: null });
    await expect(reader.resolveSigned(signed('https://remote.example/actor#main-key'))).resolves.toEqual({
      verified: true,
      accountId: null,
    });
  });

  it('refuses a signature that does not verify with 401', async () => {
    const { reader, fetches } = setUp({ signer: null });
    await expect(reader.resolveSigned(signed('https://remote.example/users/bob#main-key'))).resolves.toEqual({
      verified: false,
      status: 401,
      reason: 'The HTTP signature could not be verified',
    });
    expect(fetches.readerId).not.toHaveBeenCalled();
  });

  it('refuses a signature outside its window with 401 and why, before verifying anything', async () => {
    const { reader, contexts } = setUp({ signer: new URL('https://remote.example/users/bob') });
    const stale = new Date(Date.now() - 2 * 3_600_000).toUTCString();
    await expect(reader.resolveSigned(signed('https://remote.example/users/bob#main-key', stale))).resolves.toEqual({
      verified: false,
      status: 401,
      reason: 'Signature expired (its Date is too old)',
    });
    expect(contexts).toHaveLength(0);
  });

  it('refuses a key on a blocked domain with 403, before verifying anything', async () => {
    const { reader, contexts } = setUp({ signer: new URL('https://spam.example/users/x'), blocked: ['spam.example'] });
    await expect(reader.resolveSigned(signed('https://spam.example/users/x#main-key'))).resolves.toEqual({
      verified: false,
      status: 403,
      reason: 'This server does not serve your domain',
    });
    expect(contexts).toHaveLength(0);
  });

  it('is what the content lib asks once registered; before, signed requests are refused', async () => {
    const { reader, registry } = setUp({ signer: new URL('https://remote.example/users/bob'), readerId: READER });
    await expect(registry.resolveSigned(signed('https://remote.example/users/bob#main-key'))).resolves.toEqual({
      verified: false,
      status: 401,
      reason: 'Signed requests cannot be verified here',
    });
    reader.onModuleInit();
    await expect(registry.resolveSigned(signed('https://remote.example/users/bob#main-key'))).resolves.toEqual({
      verified: true,
      accountId: READER,
    });
  });
});
