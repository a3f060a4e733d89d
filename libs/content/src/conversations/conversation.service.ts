import { Injectable } from '@nestjs/common';
import { UUID_PATTERN } from '@guildhall/core';
import { ContentErrorCode, ContentException } from '../content.exception';
import { type ConversationPage, ConversationRepository, type ConversationRow } from './conversation.repository';

/**
 * Direct-message conversations, simplified from Mastodon's: one per thread (the root of the
 * reply chain) for each participant, not one per set of participants.
 */
@Injectable()
export class ConversationService {
  constructor(private readonly conversations: ConversationRepository) {}

  page(viewerId: string, page: ConversationPage): Promise<ConversationRow[]> {
    return this.conversations.find(viewerId, page);
  }

  /** Marks everything in it read; NOT_FOUND unless the viewer is in it (and it is not hidden). */
  async markRead(viewerId: string, id: string): Promise<ConversationRow> {
    const conversation = await this.get(viewerId, id);
    await this.conversations.markRead(viewerId, conversation.rootId, conversation.lastPostId);
    return { ...conversation, unread: false };
  }

  /** Hides it from the viewer until a newer post arrives in it (the others keep theirs). */
  async hide(viewerId: string, id: string): Promise<void> {
    const conversation = await this.get(viewerId, id);
    await this.conversations.hide(viewerId, conversation.rootId, conversation.lastPostId);
  }

  private async get(viewerId: string, id: string): Promise<ConversationRow> {
    const [found] = UUID_PATTERN.test(id)
      ? await this.conversations.find(viewerId, { maxId: null, sinceId: null, minId: null, limit: 1 }, id.toLowerCase())
      : [];
    if (!found) throw new ContentException(ContentErrorCode.ConversationNotFound, 'Record not found');
    return found;
  }
}
