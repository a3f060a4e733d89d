import { Injectable } from '@nestjs/common';
import type DataLoader from 'dataloader';

/** What a loader factory may read: the request (its `user` is set by the AuthGuard before resolvers run). */
export interface LoaderRequest {
  user?: { accountId: string };
}

export type LoaderFactory = (request: LoaderRequest) => DataLoader<string, unknown>;

/** A typed key for one kind of loader: `new LoaderKey<AccountEntity | null>('accountById')`. */
export class LoaderKey<V> {
  declare readonly valueType: V;
  constructor(readonly name: string) {}
}

/**
 * Singleton: libs register their loader factories at start-up (`onModuleInit`). DataLoaders live
 * in the GraphQL context, one set per request (request-scoped providers would halve throughput).
 */
@Injectable()
export class LoaderFactories {
  private readonly factories = new Map<string, LoaderFactory>();

  register<V>(key: LoaderKey<V>, factory: (request: LoaderRequest) => DataLoader<string, V>): void {
    if (this.factories.has(key.name)) throw new Error(`loader ${key.name} registered twice`);
    this.factories.set(key.name, factory);
  }

  forRequest(request: LoaderRequest): RequestLoaders {
    return new RequestLoaders(this.factories, request);
  }
}

/** The loaders of one GraphQL request, created on first use. Read it with `@Context('loaders')`. */
export class RequestLoaders {
  private readonly loaders = new Map<string, DataLoader<string, unknown>>();

  constructor(
    private readonly factories: Map<string, LoaderFactory>,
    private readonly request: LoaderRequest,
  ) {}

  get<V>(key: LoaderKey<V>): DataLoader<string, V> {
    let loader = this.loaders.get(key.name);
    if (!loader) {
      const factory = this.factories.get(key.name);
      if (!factory) throw new Error(`no loader registered for ${key.name}`);
      loader = factory(this.request);
      this.loaders.set(key.name, loader);
    }
    return loader as DataLoader<string, V>;
  }
}
