import { signUp, type SignedUp } from './utils/factories';
import { insertBlock, insertFollow } from './utils/graph';
import { createTestApp, uniqueName, type TestApp } from './utils/test-app';

const SEARCH = `query($q: String!) { searchAll(query: $q) { accounts { handle } hashtags posts { id } } }`;

interface Results {
  accounts: { handle: string }[];
  hashtags: string[];
  posts: { id: string }[];
}

describe('search', () => {
  let t: TestApp;
  let alice: SignedUp;
  let bob: SignedUp;
  let stranger: SignedUp;
  const search = async (q: string, who: SignedUp) => {
    const res = await t.gql<{ searchAll: Results }>(SEARCH, { q }, who.token);
    if (!res.data) throw new Error(JSON.stringify(res.errors));
    return res.data.searchAll;
  };
  const post = async (who: SignedUp, content: string, visibility = 'PUBLIC') =>
    (
      await t.gql<{ createPost: { id: string } }>(
        'mutation($i: CreatePostInput!) { createPost(input: $i) { id } }',
        { i: { content, visibility } },
        who.token,
      )
    ).data!.createPost.id;

  beforeAll(async () => {
    t = await createTestApp();
    alice = await signUp(t, { username: uniqueName('zebra'), displayName: 'Zebra Crossing' });
    bob = await signUp(t);
    stranger = await signUp(t);
  });
  afterAll(() => t.close());

  it('finds posts by words, only those the searcher may see', async () => {
    const open = await post(alice, 'A cooperative owned by its quokkas #quokkafacts');
    const hidden = await post(alice, 'Followers-only quokkas', 'FOLLOWERS');
    expect((await search('quokkas', bob)).posts).toEqual([{ id: open }]);
    expect((await search('quokkas', alice)).posts).toEqual([{ id: hidden }, { id: open }]);
    expect((await search('#quokka', bob)).hashtags).toEqual(['quokkafacts']);
  });

  it('finds a hashtag only when the searcher may see a post that carries it, also by prefix', async () => {
    const follower = await signUp(t);
    await insertFollow(t, follower.account.id, alice.account.id);
    const tag = uniqueName('secret').replace(/[^a-z0-9]/g, '');
    await post(alice, `for my followers #${tag}friends`, 'FOLLOWERS');
    await post(alice, `just for @${bob.username} #${tag}whisper`, 'DIRECT');
    await post(alice, `in the open #${tag}open`, 'UNLISTED');
    expect((await search(`#${tag}`, stranger)).hashtags).toEqual([`${tag}open`]);
    expect((await search(tag, stranger)).hashtags).toEqual([`${tag}open`]);
    expect((await search(`#${tag}friends`, stranger)).hashtags).toEqual([]);
    expect((await search(`#${tag}`, follower)).hashtags).toEqual([`${tag}friends`, `${tag}open`]);
    expect((await search(`#${tag}`, bob)).hashtags).toEqual([`${tag}open`, `${tag}whisper`]);
    expect((await search(`#${tag}`, alice)).hashtags).toEqual([`${tag}friends`, `${tag}open`, `${tag}whisper`]);
  });

  it('finds accounts by username prefix or display name, except across a block', async () => {
    expect((await search(`@${alice.username.slice(0, 8)}`, bob)).accounts).toEqual([{ handle: alice.username }]);
    expect((await search('crossing', bob)).accounts).toEqual([{ handle: alice.username }]);
    await insertBlock(t, alice.account.id, stranger.account.id);
    expect((await search('crossing', stranger)).accounts).toEqual([]);
    expect((await search('quokkas', stranger)).posts).toEqual([]);
  });

  it('needs a token and a query of 1 to 200 characters; LIKE wildcards are literal', async () => {
    expect((await t.gql(SEARCH, { q: 'x' })).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await t.gql(SEARCH, { q: '' }, bob.token)).errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await t.gql(SEARCH, { q: 'x'.repeat(201) }, bob.token)).errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await search('%', bob)).accounts).toEqual([]);
  });
});
