import { signUp } from './utils/factories';
import { eventually } from './utils/eventually';
import { appToken } from './utils/mastodon';
import { createListeningTestApp, type TestApp } from './utils/test-app';

type Note = { type: string; account: { id: string }; status: { id: string } | null };

/** A muted conversation (`POST /api/v1/statuses/:id/mute`) silences notifications from the whole thread. */
describe('Mastodon API: muted conversations and notifications', () => {
  let t: TestApp & { origin: string };
  let masto: typeof import('masto');

  async function member() {
    const signed = await signUp(t);
    const token = await appToken(t, signed);
    return { ...signed, appToken: token, client: masto.createRestAPIClient({ url: t.origin, accessToken: token }) };
  }

  /** [type, from, status] of the member's notifications, newest first. */
  const notifications = async (token: string): Promise<[string, string, string | null][]> => {
    const res = await t.http().get('/api/v1/notifications').set('authorization', `Bearer ${token}`);
    return (res.body as Note[]).map((n) => [n.type, n.account.id, n.status?.id ?? null]);
  };

  beforeAll(async () => {
    masto = await import('masto');
    t = await createListeningTestApp();
  });
  afterAll(() => t.close());

  it('the author muting their thread hears nothing of it — replies, mentions, likes, boosts — until unmuted', async () => {
    const [alice, bob, carol] = [await member(), await member(), await member()];
    const root = await alice.client.v1.statuses.create({ status: 'a thread' });
    const other = await alice.client.v1.statuses.create({ status: 'another post' });
    const muted = await alice.client.v1.statuses.$select(root.id).mute();
    expect(muted.muted).toBe(true);

    const reply = await bob.client.v1.statuses.create({ status: 'a reply', inReplyToId: root.id });
    const deeper = await carol.client.v1.statuses.create({
      status: `@${alice.username} deeper down`,
      inReplyToId: reply.id,
    });
    await carol.client.v1.statuses.$select(root.id).favourite();
    await bob.client.v1.statuses.$select(root.id).reblog();
    // Outside the thread: still heard (and, being last, tells that the ones before were handled).
    await carol.client.v1.statuses.$select(other.id).favourite();
    await eventually(
      () => notifications(alice.appToken),
      (list) => expect(list).toEqual([['favourite', carol.account.id, other.id]]),
    );
    // The thread's posts themselves are all there, muted only for notifications.
    const context = await alice.client.v1.statuses.$select(root.id).context.fetch();
    expect(context.descendants.map((s) => s.id)).toEqual([reply.id, deeper.id]);
    expect(context.descendants.every((s) => s.muted)).toBe(true);

    // Muting from a reply names the same thread; unmuting lets it through again.
    expect((await alice.client.v1.statuses.$select(deeper.id).unmute()).muted).toBe(false);
    const later = await bob.client.v1.statuses.create({ status: 'after the unmute', inReplyToId: root.id });
    await eventually(
      () => notifications(alice.appToken),
      (list) => expect(list[0]).toEqual(['mention', bob.account.id, later.id]),
    );
  });

  it("a reader muting someone else's thread is not told of mentions in it; others still are", async () => {
    const [alice, bob, carol] = [await member(), await member(), await member()];
    const root = await bob.client.v1.statuses.create({
      status: `@${alice.username} @${carol.username} what do you think?`,
    });
    await eventually(
      () => notifications(alice.appToken),
      (list) => expect(list).toEqual([['mention', bob.account.id, root.id]]),
    );
    await alice.client.v1.statuses.$select(root.id).mute();
    const reply = await bob.client.v1.statuses.create({
      status: `@${alice.username} @${carol.username} anyone?`,
      inReplyToId: root.id,
    });
    await eventually(
      () => notifications(carol.appToken),
      (list) => expect(list[0]).toEqual(['mention', bob.account.id, reply.id]),
    );
    expect(await notifications(alice.appToken)).toEqual([['mention', bob.account.id, root.id]]);
  });
});
