import { Injectable } from '@nestjs/common';
import { AccountService } from '@guildhall/identity';
import { FollowService } from '@guildhall/social';
import { MastodonException } from '../http/mastodon.exception';
import { AccountSerializer } from '../serializers/account.serializer';
import type { MastodonAccount, MastodonRole } from '../serializers/mastodon-entities';

/**
 * Mastodon's base role ("everyone", id -99) with no permission bits: Guildhall grants no
 * moderation or admin rights through the Mastodon API, so clients show no staff tools.
 */
const BASE_ROLE: MastodonRole = { id: '-99', name: '', color: '', permissions: '0', highlighted: false };

/** A field value's text: its HTML (links the server made) without tags. */
function htmlToText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The member's own account as `verify_credentials` and every profile change answer it. */
@Injectable()
export class CredentialAccounts {
  constructor(
    private readonly accounts: AccountService,
    private readonly follows: FollowService,
    private readonly serializer: AccountSerializer,
  ) {}

  /** The account with `source`: what the member typed (the note's Markdown) and their settings. */
  async render(accountId: string): Promise<MastodonAccount> {
    const [account, requests] = await Promise.all([
      this.accounts.findById(accountId),
      this.follows.pendingRequestCount(accountId),
    ]);
    if (!account) throw MastodonException.notFound();
    const rendered = this.serializer.serialize(account);
    return {
      ...rendered,
      source: {
        privacy: 'public',
        sensitive: false,
        language: null,
        note: account.bioSource ?? '',
        fields: rendered.fields.map((field) => ({ ...field, value: htmlToText(field.value) })),
        follow_requests_count: requests,
        hide_collections: false,
        discoverable: account.discoverable,
        indexable: account.discoverable,
      },
      role: BASE_ROLE,
    };
  }
}
