import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PostEntity } from '@guildhall/content';
import { DataSource } from 'typeorm';

/** A remote account we can deliver to. */
export interface RemoteRecipientRow {
  uri: string;
  inboxUrl: string;
  sharedInboxUrl: string | null;
}

/** An account as an activity names it: local by username, remote by uri. */
export interface ActorRow {
  id: string;
  username: string;
  domain: string | null;
  uri: string | null;
  inboxUrl: string | null;
  sharedInboxUrl: string | null;
  suspendedAt: Date | null;
}

export type OutboundPostRow = Pick<
  PostEntity,
  'id' | 'accountId' | 'local' | 'uri' | 'visibility' | 'boostOfId' | 'createdAt' | 'deletedAt'
>;

/** Only remote accounts that can receive: known inbox, not suspended. */
const DELIVERABLE = `a.domain IS NOT NULL AND a.uri IS NOT NULL AND a.inbox_url IS NOT NULL AND a.suspended_at IS NULL`;

interface RawRecipient {
  uri: string;
  inbox_url: string;
  shared_inbox_url: string | null;
}

const toRecipient = (row: RawRecipient): RemoteRecipientRow => ({
  uri: row.uri,
  inboxUrl: row.inbox_url,
  sharedInboxUrl: row.shared_inbox_url,
});

/** Who an outbound activity goes to, and what it names: one query per method. */
@Injectable()
export class OutboundAudienceRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The account's accepted remote followers, one per distinct delivery inbox: its shared inbox if it
   * has one, else its own (what a Create, Announce or Update to followers goes to). 10,000
   * followers on 1,000 servers are 1,000 rows, deduplicated here rather than in the worker.
   */
  async remoteFollowerInboxes(accountId: string): Promise<RemoteRecipientRow[]> {
    const rows = await this.dataSource.query<RawRecipient[]>(
      // Byte order (COLLATE "C"): the sort only groups equal URLs, and locale comparison doubled it.
      `SELECT DISTINCT ON (coalesce(a.shared_inbox_url, a.inbox_url) COLLATE "C") a.uri, a.inbox_url, a.shared_inbox_url
       FROM follows f JOIN accounts a ON a.id = f.follower_id
       WHERE f.followee_id = $1 AND f.state = 'accepted' AND ${DELIVERABLE}
       ORDER BY coalesce(a.shared_inbox_url, a.inbox_url) COLLATE "C"`,
      [accountId],
    );
    return rows.map(toRecipient);
  }

  /** Those of these accounts that are remote and can receive. */
  async remoteAccounts(ids: string[]): Promise<RemoteRecipientRow[]> {
    if (ids.length === 0) return [];
    const rows = await this.dataSource.query<RawRecipient[]>(
      `SELECT a.uri, a.inbox_url, a.shared_inbox_url FROM accounts a WHERE a.id = ANY($1::uuid[]) AND ${DELIVERABLE}`,
      [ids],
    );
    return rows.map(toRecipient);
  }

  /** Hosts marked unavailable (repeated delivery failures): skipped until they talk to us again. */
  async unavailableHosts(): Promise<Set<string>> {
    const rows = await this.dataSource.query<{ host: string }[]>(
      'SELECT host FROM federation_hosts WHERE unavailable_since IS NOT NULL',
    );
    return new Set(rows.map((row) => row.host));
  }

  async account(id: string): Promise<ActorRow | null> {
    const [row] = await this.dataSource.query<
      {
        id: string;
        username: string;
        domain: string | null;
        uri: string | null;
        inbox_url: string | null;
        shared_inbox_url: string | null;
        suspended_at: Date | null;
      }[]
    >(`SELECT id, username, domain, uri, inbox_url, shared_inbox_url, suspended_at FROM accounts WHERE id = $1`, [id]);
    if (!row) return null;
    return {
      id: row.id,
      username: row.username,
      domain: row.domain,
      uri: row.uri,
      inboxUrl: row.inbox_url,
      sharedInboxUrl: row.shared_inbox_url,
      suspendedAt: row.suspended_at,
    };
  }

  async post(id: string): Promise<OutboundPostRow | null> {
    const [row] = await this.dataSource.query<
      {
        id: string;
        account_id: string;
        local: boolean;
        uri: string | null;
        visibility: PostEntity['visibility'];
        boost_of_id: string | null;
        created_at: Date;
        deleted_at: Date | null;
      }[]
    >(`SELECT id, account_id, local, uri, visibility, boost_of_id, created_at, deleted_at FROM posts WHERE id = $1`, [
      id,
    ]);
    if (!row) return null;
    return {
      id: row.id,
      accountId: row.account_id,
      local: row.local,
      uri: row.uri,
      visibility: row.visibility,
      boostOfId: row.boost_of_id,
      createdAt: row.created_at,
      deletedAt: row.deleted_at,
    };
  }

  /** Whether the follow still stands (a Follow undone before it went out is not sent). */
  async followExists(id: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>('SELECT 1 FROM follows WHERE id = $1', [id]);
    return rows.length > 0;
  }

  /** The remote Follow's id recorded with a follow, if it still exists. */
  async followUri(id: string): Promise<string | null> {
    const [row] = await this.dataSource.query<{ uri: string | null }[]>('SELECT uri FROM follows WHERE id = $1', [id]);
    return row?.uri ?? null;
  }
}
