import { DomainEvent, type ProfileUpdatedEvent } from '@guildhall/core';
import { DataSource } from 'typeorm';
import { gif, png } from './fixtures/images';
import { writtenEvents } from './utils/events';
import { signUp, type SignedUp } from './utils/factories';
import { createTestApp, type TestApp } from './utils/test-app';

const PROFILE = /* GraphQL */ `
  fragment Profile on Account {
    id
    handle
    displayName
    local
    bio
    avatarUrl
    headerUrl
    fields {
      name
      value
    }
    manuallyApprovesFollowers
    discoverable
    postsCount
    followersCount
    followingCount
  }
`;

const UPDATE_PROFILE = /* GraphQL */ `
  ${PROFILE}
  mutation ($input: UpdateProfileInput!) {
    updateProfile(input: $input) {
      ...Profile
    }
  }
`;

const ACCOUNT = /* GraphQL */ `
  ${PROFILE}
  query ($handle: String!) {
    account(handle: $handle) {
      ...Profile
    }
  }
`;

const VIEWER_PROFILE = /* GraphQL */ `
  ${PROFILE}
  query {
    viewer {
      ...Profile
    }
  }
`;

type Profile = Record<string, unknown>;

describe('profiles', () => {
  let t: TestApp;
  let db: DataSource;
  /** The ProfileUpdated events written to the outbox for the account. */
  const published = async (accountId: string) =>
    (await writtenEvents(t.app, [DomainEvent.ProfileUpdated]))
      .map((e) => e.payload as unknown as ProfileUpdatedEvent)
      .filter((e) => e.accountId === accountId);

  async function uploadImage(member: SignedUp, bytes: Buffer): Promise<string> {
    const res = await t
      .http()
      .post('/api/v1/media')
      .set('authorization', `Bearer ${member.token}`)
      .attach('file', bytes, { filename: 'image.png', contentType: 'image/png' });
    expect(res.status).toBe(200);
    return (res.body as { id: string }).id;
  }

  const accountRow = async (id: string) =>
    (
      await db.query<Record<string, unknown>[]>(
        `SELECT display_name, bio_source, bio, avatar_media_id, header_media_id, fields,
                manually_approves_followers, discoverable
           FROM accounts WHERE id = $1`,
        [id],
      )
    )[0];

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  it('starts with an empty profile', async () => {
    const member = await signUp(t, { displayName: 'Newcomer' });
    const res = await t.gql<{ account: Profile }>(ACCOUNT, { handle: member.username });
    expect(res.data!.account).toEqual({
      id: member.account.id,
      handle: member.username,
      displayName: 'Newcomer',
      local: true,
      bio: null,
      avatarUrl: null,
      headerUrl: null,
      fields: [],
      manuallyApprovesFollowers: false,
      discoverable: true,
      postsCount: 0,
      followersCount: 0,
      followingCount: 0,
    });
  });

  it('updates every field and reads them back through account(handle) and viewer', async () => {
    const member = await signUp(t);
    const avatar = await uploadImage(member, png(3, 2));
    const header = await uploadImage(member, gif(6, 2));
    const res = await t.gql<{ updateProfile: Profile }>(
      UPDATE_PROFILE,
      {
        input: {
          displayName: '  Ada L.  ',
          bio: 'I write **engines** & <i>poems</i>.\n\nSee https://ada.example',
          avatarMediaId: avatar,
          headerMediaId: header,
          fields: [
            { name: 'Website', value: 'https://ada.example/about' },
            { name: 'Pronouns', value: 'she/her <b>not bold</b>' },
          ],
          manuallyApprovesFollowers: true,
          discoverable: false,
        },
      },
      member.token,
    );
    expect(res.errors).toBeUndefined();
    expect(await published(member.account.id)).toEqual([{ accountId: member.account.id, local: true }]);
    const expected = {
      id: member.account.id,
      handle: member.username,
      displayName: 'Ada L.',
      local: true,
      bio: '<p>I write <strong>engines</strong> &amp; poems.</p>\n<p>See <a href="https://ada.example" rel="nofollow noopener noreferrer">https://ada.example</a></p>',
      avatarUrl: `http://guildhall.test/media/${avatar}`,
      headerUrl: `http://guildhall.test/media/${header}`,
      fields: [
        {
          name: 'Website',
          value:
            '<a href="https://ada.example/about" rel="nofollow noopener noreferrer" translate="no">https://ada.example/about</a>',
        },
        { name: 'Pronouns', value: 'she/her &lt;b&gt;not bold&lt;/b&gt;' },
      ],
      manuallyApprovesFollowers: true,
      discoverable: false,
      postsCount: 0,
      followersCount: 0,
      followingCount: 0,
    };
    expect(res.data!.updateProfile).toEqual(expected);
    expect((await t.gql<{ account: Profile }>(ACCOUNT, { handle: member.username })).data!.account).toEqual(expected);
    expect((await t.gql<{ viewer: Profile }>(VIEWER_PROFILE, {}, member.token)).data!.viewer).toEqual(expected);
    expect(await accountRow(member.account.id)).toMatchObject({
      bio_source: 'I write **engines** & <i>poems</i>.\n\nSee https://ada.example',
      avatar_media_id: avatar,
      header_media_id: header,
    });
    // The avatar URL serves the upload.
    const served = await t.http().get(`/media/${avatar}`);
    expect(served.status).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
  });

  it('leaves out what is not given and clears what is null or blank', async () => {
    const member = await signUp(t, { displayName: 'Keep Me' });
    const avatar = await uploadImage(member, png(2, 2));
    await t.gql(
      UPDATE_PROFILE,
      { input: { bio: 'hello', avatarMediaId: avatar, fields: [{ name: 'a', value: 'b' }] } },
      member.token,
    );
    const res = await t.gql<{ updateProfile: Profile }>(
      UPDATE_PROFILE,
      { input: { bio: '   ', avatarMediaId: null, fields: [] } },
      member.token,
    );
    expect(res.data!.updateProfile).toMatchObject({
      displayName: 'Keep Me',
      bio: null,
      avatarUrl: null,
      fields: [],
      discoverable: true,
    });
    expect(await accountRow(member.account.id)).toMatchObject({ bio_source: null, bio: null, avatar_media_id: null });
  });

  it('sanitizes a bio with a script, an event handler and a javascript: link', async () => {
    const member = await signUp(t);
    const res = await t.gql<{ updateProfile: { bio: string } }>(
      UPDATE_PROFILE,
      {
        input: {
          bio: 'Hi <script>alert(1)</script><img src=x onerror="alert(2)"> [click](javascript:alert(3))',
        },
      },
      member.token,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateProfile.bio).toBe('<p>Hi  <a rel="nofollow noopener noreferrer">click</a></p>');
  });

  describe('refused updates change nothing', () => {
    let member: SignedUp;
    let before: Record<string, unknown>;

    beforeAll(async () => {
      member = await signUp(t, { displayName: 'Steady' });
      await t.gql(UPDATE_PROFILE, { input: { bio: 'original', fields: [{ name: 'x', value: 'y' }] } }, member.token);
      before = await accountRow(member.account.id);
    });

    it.each([
      [
        'five fields',
        { fields: Array.from({ length: 5 }, (_, i) => ({ name: `n${i}`, value: 'v' })) },
        'a profile has at most 4 fields',
      ],
      ['a 101-character display name', { displayName: 'x'.repeat(101) }, 'displayName must be at most 100 characters'],
      ['a 501-character bio', { bio: 'x'.repeat(501) }, 'bio must be at most 500 characters'],
      ['a 256-character field value', { fields: [{ name: 'n', value: 'v'.repeat(256) }] }, 'a field value is at most'],
      ['a field value without a name', { fields: [{ name: ' ', value: 'orphan' }] }, 'A profile field needs a name'],
      ['an avatar id that is not an id', { avatarMediaId: 'nope' }, 'avatarMediaId must be a media id'],
    ])('refuses %s with BAD_USER_INPUT', async (_name, input, message) => {
      const res = await t.gql(
        UPDATE_PROFILE,
        { input: { displayName: 'Changed', bio: 'changed', ...input } },
        member.token,
      );
      expect(res.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0].message).toContain(message);
      expect(res.data).toBeNull();
      expect(await accountRow(member.account.id)).toEqual(before);
      expect(await published(member.account.id)).toHaveLength(1);
    });

    it("refuses someone else's upload as avatar or header with FORBIDDEN", async () => {
      const other = await signUp(t);
      const theirs = await uploadImage(other, png(2, 2));
      for (const input of [{ avatarMediaId: theirs }, { headerMediaId: theirs }]) {
        const res = await t.gql(UPDATE_PROFILE, { input: { displayName: 'Changed', ...input } }, member.token);
        expect(res.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_OWNER' });
      }
      const unknown = await t.gql(
        UPDATE_PROFILE,
        { input: { displayName: 'Changed', avatarMediaId: '0190a5b2-1c3d-7e4f-8a9b-0c1d2e3f4a5b' } },
        member.token,
      );
      expect(unknown.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'MEDIA_NOT_FOUND' });
      expect(await accountRow(member.account.id)).toEqual(before);
    });

    it('refuses an anonymous caller with UNAUTHENTICATED', async () => {
      const res = await t.gql(UPDATE_PROFILE, { input: { displayName: 'Anyone' } });
      expect(res.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    });
  });
});
