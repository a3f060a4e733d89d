import { Injectable, type OnModuleInit } from '@nestjs/common';
import DataLoader from 'dataloader';
import { LoaderFactories, LoaderKey } from '@guildhall/core';
import { SocialGraphService, type Relationship } from './social-graph.service';

/** The viewer's relationship to an account, by the account's id; null for anonymous requests. */
export const VIEWER_RELATIONSHIP = new LoaderKey<Relationship | null>('viewerRelationship');

@Injectable()
export class SocialLoaders implements OnModuleInit {
  constructor(
    private readonly factories: LoaderFactories,
    private readonly graph: SocialGraphService,
  ) {}

  onModuleInit(): void {
    this.factories.register(VIEWER_RELATIONSHIP, (request) => {
      const viewerId = request.user?.accountId;
      return new DataLoader<string, Relationship | null>(async (ids) => {
        if (!viewerId) return ids.map(() => null);
        const found = await this.graph.relationships(viewerId, ids);
        return ids.map((id) => found.get(id) ?? null);
      });
    });
  }
}
