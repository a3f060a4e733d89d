import type { ConfigService, MarkdownRenderer } from '@guildhall/core';
import type { AccountEntity, AccountRepository, RemoteAccountResolvers } from '@guildhall/identity';
import type { ActorKeyService } from '../keys/actor-key.service';
import type { DomainBlockCache } from '../moderation/domain-block.cache';
import type { OutboundHttp } from '../safety/outbound-http';
import { RemoteActorService } from './remote-actor.service';

const URI = 'https://remote.example/users/alice';

/** A service whose actor fetches wait until the test releases them; nothing is stored beforehand. */
function serviceWithHeldFetches() {
  const http = {
    allowPrivateAddresses: false,
    timeoutMs: 1_000,
    maxBodyBytes: 1_000,
    userAgent: 'test',
    fetch: jest.fn(),
  };
  const service = new RemoteActorService(
    { values: { publicOrigin: 'https://here.example' } } as unknown as ConfigService,
    http as unknown as OutboundHttp,
    { isBlocked: () => false } as unknown as DomainBlockCache,
    {} as ActorKeyService,
    { findByUri: () => Promise.resolve(null) } as unknown as AccountRepository,
    { register: () => undefined } as unknown as RemoteAccountResolvers,
    {} as MarkdownRenderer,
  );
  const released: (() => void)[] = [];
  const internals = service as unknown as {
    fetchActor: (uri: string) => Promise<unknown>;
    store: () => Promise<unknown>;
  };
  const fetchActor = jest
    .spyOn(internals, 'fetchActor')
    .mockImplementation(() => new Promise((resolve) => released.push(() => resolve({ id: new URL(URI) }))));
  const account = { id: 'account-1', uri: URI } as AccountEntity;
  const store = jest.spyOn(internals, 'store').mockResolvedValue(account);
  return { service, released, fetchActor, store, account };
}

describe('RemoteActorService.resolveUri', () => {
  it('fetches and stores a new actor once for resolutions under way together', async () => {
    const { service, released, fetchActor, store, account } = serviceWithHeldFetches();
    const resolutions = [service.resolveUri(URI), service.resolveUri(URI), service.resolveUri(URI)];
    await new Promise((resolve) => setImmediate(resolve));
    expect(fetchActor).toHaveBeenCalledTimes(1);
    for (const release of released.splice(0)) release();
    await expect(Promise.all(resolutions)).resolves.toEqual([account, account, account]);
    expect(store).toHaveBeenCalledTimes(1);

    // Once settled, a later resolution (the account still unknown here) fetches anew.
    const later = service.resolveUri(URI);
    await new Promise((resolve) => setImmediate(resolve));
    expect(fetchActor).toHaveBeenCalledTimes(2);
    for (const release of released.splice(0)) release();
    await expect(later).resolves.toBe(account);
  });
});
