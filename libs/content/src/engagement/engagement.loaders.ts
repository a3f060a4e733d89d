import { Injectable, type OnModuleInit } from '@nestjs/common';
import { LoaderFactories, LoaderKey, type LoaderRequest } from '@guildhall/core';
import DataLoader from 'dataloader';
import { ConversationMuteRepository } from './conversation-mute.repository';
import { BookmarkRepository } from './bookmark.repository';
import { EngagementRepository } from './engagement.repository';
import { PinRepository } from './pin.repository';

/** Whether the requesting viewer likes the post (false when anonymous). */
export const VIEWER_HAS_LIKED = new LoaderKey<boolean>('viewerHasLiked');
/** Whether the requesting viewer has a live boost of the post. */
export const VIEWER_HAS_BOOSTED = new LoaderKey<boolean>('viewerHasBoosted');
/** Whether the requesting viewer bookmarked the post. */
export const VIEWER_HAS_BOOKMARKED = new LoaderKey<boolean>('viewerHasBookmarked');
/** Whether the requesting viewer pinned the post (only their own posts can be). */
export const VIEWER_HAS_PINNED = new LoaderKey<boolean>('viewerHasPinned');
/** Whether the post is in a conversation the requesting viewer muted. */
export const VIEWER_HAS_MUTED = new LoaderKey<boolean>('viewerHasMutedConversation');

type Among = (accountId: string, postIds: string[]) => Promise<Set<string>>;

/** One query per field for a whole page of posts; none for an anonymous reader. */
function viewerLoader(request: LoaderRequest, among: Among): DataLoader<string, boolean> {
  return new DataLoader<string, boolean>(async (postIds) => {
    const viewerId = request.user?.accountId;
    if (!viewerId) return postIds.map(() => false);
    const found = await among(viewerId, [...postIds]);
    return postIds.map((id) => found.has(id));
  });
}

@Injectable()
export class EngagementLoaderRegistrar implements OnModuleInit {
  constructor(
    private readonly loaders: LoaderFactories,
    private readonly engagement: EngagementRepository,
    private readonly bookmarks: BookmarkRepository,
    private readonly pins: PinRepository,
    private readonly mutes: ConversationMuteRepository,
  ) {}

  onModuleInit(): void {
    this.loaders.register(VIEWER_HAS_LIKED, (request) =>
      viewerLoader(request, (viewerId, ids) => this.engagement.likedAmong(viewerId, ids)),
    );
    this.loaders.register(VIEWER_HAS_BOOSTED, (request) =>
      viewerLoader(request, (viewerId, ids) => this.engagement.boostedAmong(viewerId, ids)),
    );
    this.loaders.register(VIEWER_HAS_BOOKMARKED, (request) =>
      viewerLoader(request, (viewerId, ids) => this.bookmarks.bookmarkedAmong(viewerId, ids)),
    );
    this.loaders.register(VIEWER_HAS_PINNED, (request) =>
      viewerLoader(request, (viewerId, ids) => this.pins.pinnedAmong(viewerId, ids)),
    );
    this.loaders.register(VIEWER_HAS_MUTED, (request) =>
      viewerLoader(request, (viewerId, ids) => this.mutes.mutedAmong(viewerId, ids)),
    );
  }
}
