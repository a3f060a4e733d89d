import { Injectable } from '@nestjs/common';
import { type ConversationRow, VISIBLE_POST_BY_ID } from '@guildhall/content';
import { ACCOUNT_BY_ID, type AccountEntity } from '@guildhall/identity';
import { MastodonLoaders } from '../http/mastodon-request';
import { AccountSerializer } from './account.serializer';
import type { MastodonConversation } from './mastodon-entities';
import { StatusSerializer } from './status.serializer';

/** Conversations as Mastodon renders them: its participants but the reader, and its newest status. */
@Injectable()
export class ConversationSerializer {
  constructor(
    private readonly accounts: AccountSerializer,
    private readonly statuses: StatusSerializer,
    private readonly loaders: MastodonLoaders,
  ) {}

  /** `request`: the HTTP request, or a stream's reader (`{ user: { accountId } }`). */
  async serializeMany(request: object, rows: ConversationRow[]): Promise<MastodonConversation[]> {
    const context = this.loaders.of(request);
    return Promise.all(
      rows.map(async (row) => {
        const [participants, last] = await Promise.all([
          context.loaders.get(ACCOUNT_BY_ID).loadMany(row.participantIds),
          context.loaders.get(VISIBLE_POST_BY_ID).load(row.lastPostId),
        ]);
        return {
          id: row.rootId,
          unread: row.unread,
          accounts: participants
            .filter((account): account is AccountEntity => !!account && !(account instanceof Error))
            .map((account) => this.accounts.serialize(account)),
          last_status: last ? await this.statuses.serialize(last, context) : null,
        };
      }),
    );
  }
}
