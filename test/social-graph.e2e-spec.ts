import { DataSource } from 'typeorm';
import { DomainEvent } from '@guildhall/core';
import { SocialGraphService } from '@guildhall/social';
import { writtenEvents } from './utils/events';
import { signUp, type SignedUp } from './utils/factories';
import { createTestApp, type GraphqlError, type TestApp } from './utils/test-app';

// One line per selection set keeps this file readable; the shapes mirror the schema.
const FOLLOW_FIELDS = 'id state follower { handle } followee { handle } createdAt';
const FOLLOW = `mutation Follow($handle: String!) { follow(handle: $handle) { ${FOLLOW_FIELDS} } }`;
const REQUEST_MUTATION = (name: 'approveFollowRequest' | 'rejectFollowRequest') =>
  `mutation Decide($handle: String!) { ${name}(handle: $handle) { ${FOLLOW_FIELDS} } }`;

const BOOLEAN_MUTATIONS = ['unfollow', 'removeFollower', 'block', 'unblock', 'mute', 'unmute'] as const;
type BooleanMutation = (typeof BOOLEAN_MUTATIONS)[number];

const RELATIONSHIP_FIELDS = 'following requested followedBy blocking blockedBy muting';
const ACCOUNT = `query Account($handle: String!) {
  account(handle: $handle) { followersCount followingCount viewerRelationship { ${RELATIONSHIP_FIELDS} } }
}`;

const PAGE = (field: 'followers' | 'following') => `query Page($handle: String!, $first: Int, $after: String) {
  account(handle: $handle) {
    ${field}(first: $first, after: $after) { edges { cursor node { handle } } pageInfo { hasNextPage endCursor } }
  }
}`;

const FOLLOW_REQUESTS = `query Requests($first: Int, $after: String) {
  followRequests(first: $first, after: $after) {
    edges { node { state follower { handle } followee { handle } } }
    pageInfo { hasNextPage }
  }
}`;

interface FollowResult {
  id: string;
  state: string;
  follower: { handle: string };
  followee: { handle: string };
}

interface Relationship {
  following: boolean;
  requested: boolean;
  followedBy: boolean;
  blocking: boolean;
  blockedBy: boolean;
  muting: boolean;
}

interface Page {
  edges: { cursor: string; node: { handle: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const NONE: Relationship = {
  following: false,
  requested: false,
  followedBy: false,
  blocking: false,
  blockedBy: false,
  muting: false,
};

describe('the social graph over GraphQL', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  const follow = (who: SignedUp, handle: string) => t.gql<{ follow: FollowResult }>(FOLLOW, { handle }, who.token);

  const bool = async (name: BooleanMutation, who: SignedUp, handle: string) =>
    t.gql<Record<BooleanMutation, boolean>>(
      `mutation M($handle: String!) { ${name}(handle: $handle) }`,
      { handle },
      who.token,
    );

  const decide = (name: 'approveFollowRequest' | 'rejectFollowRequest', who: SignedUp, handle: string) =>
    t.gql<Record<typeof name, FollowResult>>(REQUEST_MUTATION(name), { handle }, who.token);

  /** "followersCount/followingCount" of each account, read through the API. */
  const counts = async (...accounts: SignedUp[]) =>
    Promise.all(
      accounts.map(async (account) => {
        const res = await t.gql<{ account: { followersCount: number; followingCount: number } }>(ACCOUNT, {
          handle: account.username,
        });
        return `${res.data!.account.followersCount}/${res.data!.account.followingCount}`;
      }),
    );

  const relationship = async (viewer: SignedUp | undefined, other: SignedUp) => {
    const res = await t.gql<{ account: { viewerRelationship: Relationship | null } }>(
      ACCOUNT,
      { handle: other.username },
      viewer?.token,
    );
    expect(res.errors).toBeUndefined();
    return res.data!.account.viewerRelationship;
  };

  const page = (field: 'followers' | 'following', of: SignedUp, variables: { first?: number; after?: string }) =>
    t.gql<{ account: Record<typeof field, Page> }>(PAGE(field), { handle: of.username, ...variables });

  const approvesManually = (account: SignedUp) =>
    db.query('UPDATE accounts SET manually_approves_followers = true WHERE id = $1', [account.account.id]);

  const rowCount = async (sql: string, params: unknown[]) =>
    Number((await db.query<{ n: string }[]>(`SELECT count(*) AS n FROM ${sql}`, params))[0].n);

  const errorOf = (res: { errors?: GraphqlError[] }) => res.errors?.[0].extensions;

  describe('follow and unfollow', () => {
    it('follows at once, counts exactly, and unfollows', async () => {
      const [alice, bob] = [await signUp(t), await signUp(t)];
      const res = await follow(alice, bob.username);
      expect(res.errors).toBeUndefined();
      expect(res.data!.follow).toMatchObject({
        state: 'ACCEPTED',
        follower: { handle: alice.username },
        followee: { handle: bob.username },
      });
      expect(await counts(alice, bob)).toEqual(['0/1', '1/0']);
      expect(await relationship(alice, bob)).toEqual({ ...NONE, following: true });
      expect(await relationship(bob, alice)).toEqual({ ...NONE, followedBy: true });

      expect((await bool('unfollow', alice, bob.username)).data).toEqual({ unfollow: true });
      expect(await counts(alice, bob)).toEqual(['0/0', '0/0']);
      expect((await bool('unfollow', alice, bob.username)).data).toEqual({ unfollow: false });
      expect(await relationship(alice, bob)).toEqual(NONE);
    });

    it('is idempotent: following again returns the same follow and changes nothing', async () => {
      const [alice, bob] = [await signUp(t), await signUp(t)];
      const first = await follow(alice, bob.username);
      const again = await follow(alice, `@${bob.username.toUpperCase()}`);
      expect(again.data!.follow).toEqual(first.data!.follow);
      expect(await counts(alice, bob)).toEqual(['0/1', '1/0']);
    });

    it('refuses bad targets and anonymous callers, changing nothing', async () => {
      const [alice, bob] = [await signUp(t), await signUp(t)];
      await follow(alice, bob.username);
      const before = await rowCount('follows', []);

      const self = await follow(alice, alice.username);
      expect(errorOf(self)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CANNOT_FOLLOW_SELF' });
      expect(self.data).toBeNull();
      const unknown = await follow(alice, 'nobody_by_this_name');
      expect(errorOf(unknown)).toMatchObject({ code: 'NOT_FOUND', reason: 'ACCOUNT_NOT_FOUND' });
      const remote = await follow(alice, 'someone@remote.example');
      expect(errorOf(remote)).toMatchObject({ code: 'NOT_FOUND', reason: 'REMOTE_LOOKUP_UNAVAILABLE' });
      const anonymous = await t.gql(FOLLOW, { handle: bob.username });
      expect(errorOf(anonymous)).toMatchObject({ code: 'UNAUTHENTICATED' });
      const tooLong = await follow(alice, 'a'.repeat(301));
      expect(errorOf(tooLong)).toMatchObject({ code: 'BAD_USER_INPUT' });
      for (const name of BOOLEAN_MUTATIONS) {
        expect(errorOf(await bool(name, alice, 'nobody_by_this_name'))).toMatchObject({ code: 'NOT_FOUND' });
        const anon = await t.gql(`mutation M($handle: String!) { ${name}(handle: $handle) }`, { handle: bob.username });
        expect(errorOf(anon)).toMatchObject({ code: 'UNAUTHENTICATED' });
      }

      expect(await rowCount('follows', [])).toBe(before);
      expect(await counts(alice, bob)).toEqual(['0/1', '1/0']);
    });

    it('resolves a remote account that is already known here', async () => {
      const alice = await signUp(t);
      const [remote] = await db.query<{ id: string }[]>(
        `INSERT INTO accounts (username, domain, uri) VALUES ('carol', 'remote.example', 'https://remote.example/users/carol')
         RETURNING id`,
      );
      const res = await follow(alice, 'carol@Remote.Example');
      // Pending until the remote server answers with Accept (federation).
      expect(res.data!.follow).toMatchObject({ state: 'PENDING', followee: { handle: 'carol@remote.example' } });
      expect(await counts(alice)).toEqual(['0/0']);
      expect(await rowCount('follows WHERE followee_id = $1', [remote.id])).toBe(1);
    });
  });

  describe('follow requests', () => {
    it('asks first when the account approves followers, and counts only on approval', async () => {
      const [alice, bob] = [await signUp(t), await signUp(t)];
      await approvesManually(bob);
      const asked = await follow(alice, bob.username);
      expect(asked.data!.follow.state).toBe('PENDING');
      expect((await follow(alice, bob.username)).data!.follow).toEqual(asked.data!.follow);
      expect(await counts(alice, bob)).toEqual(['0/0', '0/0']);
      expect(await relationship(alice, bob)).toEqual({ ...NONE, requested: true });
      const requests = await t.gql<{ followRequests: { edges: { node: unknown }[] } }>(FOLLOW_REQUESTS, {}, bob.token);
      expect(requests.data!.followRequests.edges).toEqual([
        { node: { state: 'PENDING', follower: { handle: alice.username }, followee: { handle: bob.username } } },
      ]);
      // Only the followee decides.
      const byRequester = await decide('approveFollowRequest', alice, bob.username);
      expect(errorOf(byRequester)).toMatchObject({ code: 'NOT_FOUND', reason: 'NO_SUCH_REQUEST' });

      const approved = await decide('approveFollowRequest', bob, alice.username);
      expect(approved.data!.approveFollowRequest).toEqual({ ...asked.data!.follow, state: 'ACCEPTED' });
      expect(await counts(alice, bob)).toEqual(['0/1', '1/0']);
      const again = await decide('approveFollowRequest', bob, alice.username);
      expect(again.data!.approveFollowRequest.state).toBe('ACCEPTED');
      expect(await counts(alice, bob)).toEqual(['0/1', '1/0']);
      expect(await relationship(alice, bob)).toEqual({ ...NONE, following: true });
      const none = await t.gql<{ followRequests: { edges: unknown[] } }>(FOLLOW_REQUESTS, {}, bob.token);
      expect(none.data!.followRequests.edges).toEqual([]);

      const ids = {
        followId: asked.data!.follow.id,
        followerId: alice.account.id,
        followeeId: bob.account.id,
        followerLocal: true,
        followeeLocal: true,
        uri: null,
      };
      const written = await writtenEvents(t.app, [
        DomainEvent.Followed,
        DomainEvent.FollowRequested,
        DomainEvent.FollowAccepted,
      ]);
      expect(written.filter((e) => e.payload.followId === ids.followId)).toEqual([
        { name: 'account.follow-requested', payload: ids },
        { name: 'account.followed', payload: ids },
        { name: 'account.follow-accepted', payload: ids },
      ]);
    });

    it('rejects without counting; a rejected request can be sent again', async () => {
      const [alice, bob] = [await signUp(t), await signUp(t)];
      await approvesManually(bob);
      await follow(alice, bob.username);
      const rejected = await decide('rejectFollowRequest', bob, alice.username);
      expect(rejected.data!.rejectFollowRequest).toMatchObject({
        state: 'REJECTED',
        follower: { handle: alice.username },
      });
      expect(await counts(alice, bob)).toEqual(['0/0', '0/0']);
      expect(await relationship(alice, bob)).toEqual(NONE);
      // A rejected request cannot be approved afterwards.
      const late = await decide('approveFollowRequest', bob, alice.username);
      expect(errorOf(late)).toMatchObject({ code: 'NOT_FOUND', reason: 'NO_SUCH_REQUEST' });

      const resent = await follow(alice, bob.username);
      expect(resent.data!.follow).toMatchObject({ id: rejected.data!.rejectFollowRequest.id, state: 'PENDING' });
      expect((await decide('approveFollowRequest', bob, alice.username)).data!.approveFollowRequest.state).toBe(
        'ACCEPTED',
      );
      expect(await counts(alice, bob)).toEqual(['0/1', '1/0']);
      const noRequest = await decide('rejectFollowRequest', bob, alice.username);
      expect(errorOf(noRequest)).toMatchObject({ code: 'NOT_FOUND', reason: 'NO_SUCH_REQUEST' });
      expect(await counts(alice, bob)).toEqual(['0/1', '1/0']);
    });

    it('lists requests newest first and lets the requester withdraw one', async () => {
      const [alice, bob, carol] = [await signUp(t), await signUp(t), await signUp(t)];
      await approvesManually(carol);
      await follow(alice, carol.username);
      await follow(bob, carol.username);
      const res = await t.gql<{ followRequests: { edges: { node: FollowResult }[]; pageInfo: unknown } }>(
        FOLLOW_REQUESTS,
        { first: 1 },
        carol.token,
      );
      expect(res.data!.followRequests.edges.map((e) => e.node.follower.handle)).toEqual([bob.username]);
      expect(res.data!.followRequests.pageInfo).toEqual({ hasNextPage: true });
      expect((await bool('unfollow', bob, carol.username)).data).toEqual({ unfollow: true });
      const after = await t.gql<{ followRequests: { edges: { node: FollowResult }[] } }>(
        FOLLOW_REQUESTS,
        {},
        carol.token,
      );
      expect(after.data!.followRequests.edges.map((e) => e.node.follower.handle)).toEqual([alice.username]);
      expect(errorOf(await t.gql(FOLLOW_REQUESTS, {}))).toMatchObject({ code: 'UNAUTHENTICATED' });
    });

    it('removes a follower', async () => {
      const [alice, bob] = [await signUp(t), await signUp(t)];
      await follow(alice, bob.username);
      expect((await bool('removeFollower', bob, alice.username)).data).toEqual({ removeFollower: true });
      expect((await bool('removeFollower', bob, alice.username)).data).toEqual({ removeFollower: false });
      expect(await counts(alice, bob)).toEqual(['0/0', '0/0']);
    });
  });

  describe('followers and following', () => {
    it('pages newest follow first without repeats', async () => {
      const star = await signUp(t);
      const fans: SignedUp[] = [];
      for (let i = 0; i < 5; i += 1) {
        const fan = await signUp(t);
        await follow(fan, star.username);
        fans.push(fan);
      }
      const newestFirst = fans.map((f) => f.username).reverse();
      const seen: string[] = [];
      let after: string | undefined;
      const hasNext: boolean[] = [];
      for (let i = 0; i < 3; i += 1) {
        const res = await page('followers', star, { first: 2, after });
        expect(res.errors).toBeUndefined();
        const { edges, pageInfo } = res.data!.account.followers;
        seen.push(...edges.map((e) => e.node.handle));
        hasNext.push(pageInfo.hasNextPage);
        expect(pageInfo.endCursor).toBe(edges[edges.length - 1].cursor);
        after = pageInfo.endCursor!;
      }
      expect(seen).toEqual(newestFirst);
      expect(hasNext).toEqual([true, true, false]);

      const fan = fans[0];
      const idol = await signUp(t);
      await follow(fan, idol.username);
      const following = await page('following', fan, { first: 1 });
      expect(following.data!.account.following.edges.map((e) => e.node.handle)).toEqual([idol.username]);
      const rest = await page('following', fan, { after: following.data!.account.following.pageInfo.endCursor! });
      expect(rest.data!.account.following).toMatchObject({
        edges: [{ node: { handle: star.username } }],
        pageInfo: { hasNextPage: false },
      });
    });

    it('lists only accepted follows', async () => {
      const [alice, bob] = [await signUp(t), await signUp(t)];
      await approvesManually(bob);
      await follow(alice, bob.username);
      expect((await page('followers', bob, {})).data!.account.followers).toEqual({
        edges: [],
        pageInfo: { hasNextPage: false, endCursor: null },
      });
      expect((await page('following', alice, {})).data!.account.following.edges).toEqual([]);
    });

    it('refuses a bad cursor and page sizes outside 1 to 40', async () => {
      const alice = await signUp(t);
      for (const after of ['not-a-cursor', Buffer.from('v1:123').toString('base64url')]) {
        const res = await page('followers', alice, { after });
        expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_CURSOR' });
      }
      for (const first of [41, 0, -1]) {
        expect(errorOf(await page('following', alice, { first }))).toMatchObject({ code: 'BAD_USER_INPUT' });
      }
      expect(errorOf(await t.gql(FOLLOW_REQUESTS, { first: 41 }, alice.token))).toMatchObject({
        code: 'BAD_USER_INPUT',
      });
      expect((await page('followers', alice, { first: 40 })).errors).toBeUndefined();
    });
  });

  describe('blocks and mutes', () => {
    it('severs follows and requests both ways, adjusting counts', async () => {
      const [alice, bob, carol] = [await signUp(t), await signUp(t), await signUp(t)];
      await follow(alice, bob.username);
      await follow(bob, alice.username);
      await follow(carol, bob.username);
      await approvesManually(alice);
      await follow(carol, alice.username);
      expect(await counts(alice, bob, carol)).toEqual(['1/1', '2/1', '0/1']);

      expect((await bool('block', alice, bob.username)).data).toEqual({ block: true });
      expect((await bool('block', bob, carol.username)).data).toEqual({ block: true });
      expect((await bool('block', alice, carol.username)).data).toEqual({ block: true });
      expect(await counts(alice, bob, carol)).toEqual(['0/0', '0/0', '0/0']);
      expect(await rowCount('follows WHERE $1 IN (follower_id, followee_id)', [alice.account.id])).toBe(0);
      expect(await relationship(alice, bob)).toEqual({ ...NONE, blocking: true });
      expect(await relationship(bob, alice)).toEqual({ ...NONE, blockedBy: true });
      expect((await bool('block', alice, bob.username)).data).toEqual({ block: false });
    });

    it('forbids follows either way while a block stands', async () => {
      const [alice, bob] = [await signUp(t), await signUp(t)];
      await bool('block', alice, bob.username);
      for (const [who, whom] of [
        [bob, alice],
        [alice, bob],
      ]) {
        const res = await follow(who, whom.username);
        expect(errorOf(res)).toMatchObject({ code: 'FORBIDDEN', reason: 'BLOCKED' });
      }
      expect(await rowCount('follows WHERE follower_id = ANY($1)', [[alice.account.id, bob.account.id]])).toBe(0);
      expect(await counts(alice, bob)).toEqual(['0/0', '0/0']);
      expect(errorOf(await bool('block', alice, alice.username))).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'CANNOT_BLOCK_SELF',
      });

      expect((await bool('unblock', alice, bob.username)).data).toEqual({ unblock: true });
      expect((await bool('unblock', alice, bob.username)).data).toEqual({ unblock: false });
      expect((await follow(bob, alice.username)).data!.follow.state).toBe('ACCEPTED');
      expect(await counts(alice, bob)).toEqual(['1/0', '0/1']);
    });

    it('mutes and unmutes without touching follows', async () => {
      const [alice, bob] = [await signUp(t), await signUp(t)];
      await follow(alice, bob.username);
      expect((await bool('mute', alice, bob.username)).data).toEqual({ mute: true });
      expect((await bool('mute', alice, bob.username)).data).toEqual({ mute: false });
      expect(await relationship(alice, bob)).toEqual({ ...NONE, following: true, muting: true });
      expect(await relationship(bob, alice)).toEqual({ ...NONE, followedBy: true });
      expect(errorOf(await bool('mute', alice, alice.username))).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'CANNOT_MUTE_SELF',
      });
      expect((await bool('unmute', alice, bob.username)).data).toEqual({ unmute: true });
      expect((await bool('unmute', alice, bob.username)).data).toEqual({ unmute: false });
      expect(await relationship(alice, bob)).toEqual({ ...NONE, following: true });
      expect(await counts(alice, bob)).toEqual(['0/1', '1/0']);
    });
  });

  describe('viewerRelationship', () => {
    it('is null when anonymous and loads in one batch for a page of accounts', async () => {
      const [alice, bob, carol] = [await signUp(t), await signUp(t), await signUp(t)];
      expect(await relationship(undefined, alice)).toBeNull();
      await follow(bob, alice.username);
      await follow(carol, alice.username);
      await follow(alice, carol.username);
      await bool('mute', alice, bob.username);
      const batches = jest.spyOn(t.app.get(SocialGraphService), 'relationships');
      const res = await t.gql<{
        account: { followers: { edges: { node: { handle: string; viewerRelationship: Relationship } }[] } };
      }>(
        `query Q($handle: String!) {
          account(handle: $handle) {
            followers { edges { node { handle viewerRelationship { ${RELATIONSHIP_FIELDS} } } } }
          }
        }`,
        { handle: alice.username },
        alice.token,
      );
      expect(res.errors).toBeUndefined();
      expect(res.data!.account.followers.edges.map((e) => e.node)).toEqual([
        { handle: carol.username, viewerRelationship: { ...NONE, following: true, followedBy: true } },
        { handle: bob.username, viewerRelationship: { ...NONE, followedBy: true, muting: true } },
      ]);
      expect(batches.mock.calls).toEqual([[alice.account.id, [carol.account.id, bob.account.id]]]);
      batches.mockRestore();
    });
  });

  describe('rate limit', () => {
    it('refuses the 201st follow, block or mute of an account within the hour, changing nothing', async () => {
      const [alice, bob] = [await signUp(t), await signUp(t)];
      for (let i = 0; i < 200; i += 20) {
        const batch = await Promise.all(Array.from({ length: 20 }, () => bool('mute', alice, bob.username)));
        expect(batch.map((r) => r.errors)).toEqual(batch.map(() => undefined));
      }
      const refused = await follow(alice, bob.username);
      expect(errorOf(refused)).toMatchObject({ code: 'RATE_LIMITED', reason: 'RATE_LIMITED' });
      expect(errorOf(refused)?.retryAfterSeconds).toEqual(expect.any(Number));
      expect(errorOf(await bool('block', alice, bob.username))).toMatchObject({ code: 'RATE_LIMITED' });
      expect(await relationship(alice, bob)).toEqual({ ...NONE, muting: true });
      expect(await counts(alice, bob)).toEqual(['0/0', '0/0']);
      // Other accounts keep their own budget.
      expect((await follow(bob, alice.username)).data!.follow.state).toBe('ACCEPTED');
    });
  });

  describe('under concurrency', () => {
    it('counts 20 concurrent followers exactly', async () => {
      const star = await signUp(t);
      const fans = await Promise.all(Array.from({ length: 20 }, () => signUp(t)));
      const results = await Promise.all(fans.map((fan) => follow(fan, star.username)));
      expect(results.map((r) => r.errors)).toEqual(fans.map(() => undefined));
      expect(await counts(star)).toEqual(['20/0']);
      expect(new Set(await counts(...fans))).toEqual(new Set(['0/1']));
      expect(await rowCount('follows WHERE followee_id = $1', [star.account.id])).toBe(20);
    });

    it('counts one follow when one account follows the same account 5 times at once', async () => {
      const [alice, bob] = [await signUp(t), await signUp(t)];
      const results = await Promise.all(Array.from({ length: 5 }, () => follow(alice, bob.username)));
      expect(results.map((r) => r.errors)).toEqual([undefined, undefined, undefined, undefined, undefined]);
      expect(new Set(results.map((r) => r.data!.follow.id)).size).toBe(1);
      expect(await counts(alice, bob)).toEqual(['0/1', '1/0']);
      await Promise.all(Array.from({ length: 5 }, () => bool('unfollow', alice, bob.username)));
      expect(await counts(alice, bob)).toEqual(['0/0', '0/0']);
    });

    it('leaves no follow behind when a follow races a block', async () => {
      const [alice, bob] = [await signUp(t), await signUp(t)];
      await Promise.all([follow(alice, bob.username), bool('block', bob, alice.username)]);
      expect(await rowCount('follows WHERE follower_id = $1', [alice.account.id])).toBe(0);
      expect(await counts(alice, bob)).toEqual(['0/0', '0/0']);
    });
  });
});
