import { createRestAPIClient, createStreamingAPIClient, type mastodon } from 'masto';
import generator, { type Entity } from 'megalodon';
import { DataSource } from 'typeorm';
import { WebSocket } from 'ws';
import { uuidv7 } from '@guildhall/core';
import { signUp, type SignedUp } from './utils/factories';
import { insertFollow } from './utils/graph';
import { appToken, registerApp } from './utils/mastodon';
import { openStream, pause, type StreamMessage, until } from './utils/streaming';
import { createListeningTestApp, type TestApp } from './utils/test-app';

type Event = mastodon.streaming.Event;

/** Collects a masto.js subscription's events until the client is closed. */
function collect(subscription: mastodon.streaming.Subscription): Event[] {
  const events: Event[] = [];
  void (async () => {
    try {
      for await (const event of subscription) events.push(event);
    } catch {
      // closed
    }
  })();
  return events;
}

const payloadOf = (m: StreamMessage) => JSON.parse(m.payload ?? 'null') as Record<string, unknown>;

describe('Mastodon streaming with real clients', () => {
  let t: TestApp & { origin: string };
  let ws: string;
  let alice: SignedUp;
  let bob: SignedUp;
  let carol: SignedUp;
  let aliceToken: string;
  let bobToken: string;
  let carolToken: string;
  let asBob: mastodon.rest.Client;
  let asAlice: mastodon.rest.Client;

  beforeAll(async () => {
    t = await createListeningTestApp();
    ws = `${t.origin.replace('http', 'ws')}/api/v1/streaming`;
    [alice, bob, carol] = await Promise.all([signUp(t), signUp(t), signUp(t)]);
    [aliceToken, bobToken, carolToken] = await Promise.all([
      appToken(t, alice, 'read write follow'),
      appToken(t, bob, 'read write follow'),
      appToken(t, carol, 'read write follow'),
    ]);
    await insertFollow(t, alice.account.id, bob.account.id);
    await insertFollow(t, alice.account.id, carol.account.id);
    asBob = createRestAPIClient({ url: t.origin, accessToken: bobToken });
    asAlice = createRestAPIClient({ url: t.origin, accessToken: aliceToken });
  });
  afterAll(() => t.close());

  it('masto.js (a session token as Sec-WebSocket-Protocol, subscribe messages) gets update, notification and delete', async () => {
    // Bob's first-party session token (GraphQL signUp): the streaming server once knew only app tokens.
    const streaming = createStreamingAPIClient({
      streamingApiUrl: t.origin.replace('http', 'ws'),
      accessToken: bob.token,
      implementation: WebSocket,
      retry: 1,
    });
    try {
      // masto.js connects after a 1 s back-off, then subscribes: wait for both.
      await streaming.prepare();
      const user = collect(streaming.user.subscribe());
      const local = collect(streaming.public.local.subscribe());
      await pause(200);
      const status = await asBob.v1.statuses.create({ status: 'streamed through masto' });
      const update = await until(() => user.find((e) => e.event === 'update'));
      expect(update.stream).toEqual(['user']);
      expect(update.payload).toMatchObject({ id: status.id, content: '<p>streamed through masto</p>' });
      const localUpdate = await until(() => local.find((e) => e.event === 'update'));
      expect(localUpdate.stream).toEqual(['public:local']);
      expect(localUpdate.payload).toMatchObject({ id: status.id, account: { id: bob.account.id } });

      await asAlice.v1.statuses.$select(status.id).favourite();
      const notification = await until(() => user.find((e) => e.event === 'notification'));
      expect(notification.payload).toMatchObject({
        type: 'favourite',
        account: { id: alice.account.id },
        status: { id: status.id },
      });

      await asBob.v1.statuses.$select(status.id).remove();
      const deleted = await until(() => user.find((e) => e.event === 'delete'));
      expect(deleted.payload).toBe(status.id);
      expect((await until(() => local.find((e) => e.event === 'delete'))).payload).toBe(status.id);
    } finally {
      streaming.close();
    }
  });

  it("masto.js: update events carry the reader's own filter results; a hide filter drops the event until it is gone", async () => {
    const [reader, writer, bystander] = await Promise.all([signUp(t), signUp(t), signUp(t)]);
    const [readerToken, writerToken, bystanderToken] = await Promise.all([
      appToken(t, reader, 'read write follow'),
      appToken(t, writer, 'read write follow'),
      appToken(t, bystander, 'read write follow'),
    ]);
    await insertFollow(t, reader.account.id, writer.account.id);
    const asReader = createRestAPIClient({ url: t.origin, accessToken: readerToken });
    const asWriter = createRestAPIClient({ url: t.origin, accessToken: writerToken });
    const word = `wyrm${Date.now().toString(36)}`;
    const warn = await asReader.v2.filters.create({
      title: 'Wyrms',
      context: ['home'],
      filterAction: 'warn',
      keywordsAttributes: [{ keyword: word, wholeWord: true }],
    });
    const hide = await asReader.v2.filters.create({
      title: 'Spoilers',
      context: ['home', 'public'],
      filterAction: 'hide',
      keywordsAttributes: [{ keyword: `butler${word}`, wholeWord: true }],
    });
    const streaming = createStreamingAPIClient({
      streamingApiUrl: t.origin.replace('http', 'ws'),
      accessToken: readerToken,
      implementation: WebSocket,
      retry: 1,
    });
    const other = await openStream(`${ws}?access_token=${bystanderToken}&stream=public:local`);
    try {
      await streaming.prepare();
      const user = collect(streaming.user.subscribe());
      const local = collect(streaming.public.local.subscribe());
      await pause(300);
      const warned = await asWriter.v1.statuses.create({ status: `Here be a ${word}` });
      await asWriter.v1.statuses.create({ status: `The butler${word} did it` });
      const plain = await asWriter.v1.statuses.create({ status: 'nothing to see' });

      const updates = (events: Event[]) => events.flatMap((e) => (e.event === 'update' ? [e.payload] : []));
      await until(() => updates(local).find((s) => s.id === plain.id));
      await until(() => updates(user).find((s) => s.id === plain.id));
      await until(() => other.messages.filter((m) => m.event === 'update')[2]);
      await pause(200);
      // Home context: warned with the reader's filter result; the hidden post never came.
      expect(updates(user).map((s) => s.id)).toEqual([warned.id, plain.id]);
      expect(updates(user)[0].filtered).toEqual([
        {
          filter: expect.objectContaining({ id: warn.id, title: 'Wyrms', filterAction: 'warn', context: ['home'] }),
          keywordMatches: [word],
          statusMatches: null,
        },
      ]);
      expect(updates(user)[1].filtered).toBeUndefined();
      // Public context: the warn filter is not in it, the hide filter is.
      expect(updates(local).map((s) => [s.id, s.filtered])).toEqual([
        [warned.id, undefined],
        [plain.id, undefined],
      ]);
      // Another reader's stream is not touched by these filters.
      const others = other.messages.filter((m) => m.event === 'update').map((m) => payloadOf(m));
      expect(others.map((s) => s.filtered)).toEqual([undefined, undefined, undefined]);
      expect(others).toHaveLength(3);

      // Removing the hide filter (filters_changed) lets the next such post through at once.
      await asReader.v2.filters.$select(hide.id).remove();
      await until(() => user.find((e) => e.event === 'filters_changed'));
      const again = await asWriter.v1.statuses.create({ status: `The butler${word} again` });
      const shown = await until(() => updates(user).find((s) => s.id === again.id));
      expect(shown.filtered).toBeUndefined();
      expect((await until(() => updates(local).find((s) => s.id === again.id))).filtered).toBeUndefined();
    } finally {
      streaming.close();
      other.ws.close();
    }
  });

  it('megalodon (stream and access_token in the query) gets the home update and its deletion', async () => {
    const client = generator('mastodon', t.origin, aliceToken);
    const stream = await client.userStreaming();
    const updates: Entity.Status[] = [];
    const deletes: string[] = [];
    stream.on('update', (status: Entity.Status) => updates.push(status));
    stream.on('delete', (id: string) => deletes.push(id));
    try {
      await new Promise((resolve) => stream.once('connect', resolve));
      await pause(200);
      const status = await asBob.v1.statuses.create({ status: 'streamed through megalodon' });
      const update = await until(() => updates.find((u) => u.id === status.id));
      expect(update).toMatchObject({ content: '<p>streamed through megalodon</p>', account: { id: bob.account.id } });
      await asBob.v1.statuses.$select(status.id).remove();
      expect(await until(() => deletes.find((id) => id === status.id))).toBe(status.id);
    } finally {
      stream.stop();
    }
  });

  it('multiplexes subscriptions on one socket: list, hashtag, unsubscribe, and Mastodon errors', async () => {
    const list = await asAlice.v1.lists.create({ title: 'Carol only' });
    await asAlice.v1.lists.$select(list.id).accounts.create({ accountIds: [carol.account.id] });
    const bobsList = await asBob.v1.lists.create({ title: 'Not yours' });
    const s = await openStream(ws, undefined, { headers: { authorization: `Bearer ${aliceToken}` } });
    const send = (message: Record<string, unknown>) => s.ws.send(JSON.stringify(message));
    send({ type: 'subscribe', stream: 'list', list: list.id });
    send({ type: 'subscribe', stream: 'hashtag', tag: 'Cats' });
    send({ type: 'subscribe', stream: 'public:remote' });
    send({ type: 'subscribe', stream: 'nope' });
    send({ type: 'subscribe', stream: 'list', list: bobsList.id });
    send({ type: 'subscribe', stream: 'hashtag' });
    await until(() => (s.messages.filter((m) => m.error).length === 3 ? true : undefined));
    // The list's owner is checked in the database: its answer may come after the others'.
    const errors = s.messages.filter((m) => m.error).map((m) => JSON.stringify(m));
    expect(errors.sort()).toEqual(
      [
        { error: 'Missing tag name parameter', status: 400 },
        { error: 'Not authorized to stream this list', status: 401 },
        { error: 'Unknown stream type', status: 400 },
      ].map((e) => JSON.stringify(e)),
    );

    const fromCarol = await createRestAPIClient({ url: t.origin, accessToken: carolToken }).v1.statuses.create({
      status: 'I like #cats',
    });
    await until(() => s.messages.find((m) => m.stream?.[0] === 'hashtag' && m.event === 'update'));
    await until(() => s.messages.find((m) => m.stream?.[0] === 'list' && m.event === 'update'));
    const updates = s.messages.filter((m) => m.event === 'update');
    expect(updates.map((m) => [m.stream, payloadOf(m).id])).toEqual(
      expect.arrayContaining([
        [['list', list.id], fromCarol.id],
        [['hashtag', 'cats'], fromCarol.id],
      ]),
    );
    // A local post is not remote; Bob is not on the list.
    expect(updates.filter((m) => m.stream?.[0] === 'public:remote')).toEqual([]);
    const fromBob = await asBob.v1.statuses.create({ status: 'no cats here' });
    send({ type: 'unsubscribe', stream: 'hashtag', tag: 'cats' });
    await pause(100);
    await createRestAPIClient({ url: t.origin, accessToken: carolToken }).v1.statuses.create({
      status: 'more #cats',
    });
    const second = await until(() =>
      s.messages.filter((m) => m.stream?.[0] === 'list' && m.event === 'update')[1] ? true : undefined,
    );
    expect(second).toBe(true);
    expect(s.messages.filter((m) => m.stream?.[0] === 'hashtag' && m.event === 'update')).toHaveLength(1);
    expect(s.messages.filter((m) => m.payload?.includes(fromBob.id) && m.stream?.[0] === 'list')).toEqual([]);
    s.ws.close();
  });

  it("the direct stream carries each participant's conversation, and nothing to others", async () => {
    const [mine, others] = await Promise.all([
      openStream(`${ws}?stream=direct`, aliceToken),
      openStream(`${ws}?stream=direct`, carolToken),
    ]);
    await pause(100);
    const dm = await asBob.v1.statuses.create({ status: `@${alice.username} just us`, visibility: 'direct' });
    const event = await until(() => mine.messages.find((m) => m.event === 'conversation'));
    expect(event.stream).toEqual(['direct']);
    expect(payloadOf(event)).toMatchObject({
      id: dm.id,
      unread: true,
      accounts: [{ id: bob.account.id }],
      last_status: { id: dm.id, visibility: 'direct' },
    });
    await pause(200);
    expect(others.messages).toEqual([]);
    expect(mine.messages.filter((m) => m.event === 'update')).toEqual([]);
    for (const s of [mine, others]) s.ws.close();
  });

  it('the user stream carries boosts of followed accounts, edits and filters_changed', async () => {
    const dave = await signUp(t);
    const daveToken = await appToken(t, dave, 'read write');
    const original = await createRestAPIClient({ url: t.origin, accessToken: daveToken }).v1.statuses.create({
      status: 'boost me',
    });
    const s = await openStream(`${ws}?stream=user`, aliceToken);
    const boost = await asBob.v1.statuses.$select(original.id).reblog();
    const reblog = await until(() => s.messages.find((m) => m.event === 'update'));
    expect(reblog.stream).toEqual(['user']);
    expect(payloadOf(reblog)).toMatchObject({
      id: boost.id,
      account: { id: bob.account.id },
      reblog: { id: original.id, account: { id: dave.account.id } },
    });

    const own = await asBob.v1.statuses.create({ status: 'first draft' });
    await asBob.v1.statuses.$select(own.id).update({ status: 'second draft' });
    const edit = await until(() => s.messages.find((m) => m.event === 'status.update'));
    expect(payloadOf(edit)).toMatchObject({ id: own.id, content: '<p>second draft</p>' });

    await asAlice.v2.filters.create({ title: 'Spoilers', context: ['home'], keywordsAttributes: [{ keyword: 'x' }] });
    const changed = await until(() => s.messages.find((m) => m.event === 'filters_changed'));
    expect(changed).toEqual({ stream: ['user'], event: 'filters_changed' });
    s.ws.close();
  });

  it('accepts the token as a header, a subprotocol or a first-party session; SSE too; a revoked token is cut off', async () => {
    const byHeader = await openStream(`${ws}?stream=user`, undefined, {
      headers: { authorization: `Bearer ${alice.token}` },
    });
    const byProtocol = await openStream(`${ws}?stream=public:local`, alice.token);
    expect(byProtocol.ws.protocol).toBe(alice.token);
    const app = await registerApp(t, 'read');
    const revocable = await appToken(t, alice, 'read', app);
    const doomed = await openStream(`${ws}?stream=user&access_token=${revocable}`);

    const controller = new AbortController();
    const sse = await fetch(`${t.origin}/api/v1/streaming/user?access_token=${aliceToken}`, {
      signal: controller.signal,
    });
    expect([sse.status, sse.headers.get('content-type')]).toEqual([200, 'text/event-stream']);
    let text = '';
    const reader = sse.body!.getReader();
    void (async () => {
      for (;;) {
        const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (chunk.done) return;
        text += new TextDecoder().decode(chunk.value);
      }
    })();
    await pause(200);

    const status = await asBob.v1.statuses.create({ status: 'to every transport' });
    for (const s of [byHeader, byProtocol, doomed]) {
      const update = await until(() => s.messages.find((m) => m.event === 'update'));
      expect(payloadOf(update).id).toBe(status.id);
    }
    await until(() => (text.includes(`event: update\ndata: {"id":"${status.id}"`) ? true : undefined));

    const revoked = await t
      .http()
      .post('/oauth/revoke')
      .send({ client_id: app.client_id, client_secret: app.client_secret, token: revocable });
    expect(revoked.status).toBe(200);
    expect(await Promise.race([doomed.closed, pause(6000).then(() => 'still open')])).toBe(1000);
    const refused = await fetch(`${t.origin}/api/v1/streaming/user?access_token=${revocable}`);
    expect([refused.status, await refused.json()]).toEqual([401, { error: 'Invalid access token' }]);
    await expect(openStream(`${ws}?stream=user`, revocable)).rejects.toThrow('refused: 401');
    controller.abort();
    for (const s of [byHeader, byProtocol]) s.ws.close();
  });

  it("a muted account's posts and boosts do not reach the muter", async () => {
    const erin = await signUp(t);
    const erinToken = await appToken(t, erin, 'read write');
    const asErin = createRestAPIClient({ url: t.origin, accessToken: erinToken });
    await insertFollow(t, alice.account.id, erin.account.id);
    await asAlice.v1.accounts.$select(erin.account.id).mute();
    const s = await openStream(`${ws}?stream=user`, aliceToken);
    s.ws.send(JSON.stringify({ type: 'subscribe', stream: 'public:local' }));
    await pause(100);
    const muted = await asErin.v1.statuses.create({ status: 'you will not hear this' });
    await asBob.v1.statuses.$select(muted.id).reblog();
    const heard = await asBob.v1.statuses.create({ status: 'but this you will' });
    await until(() => s.messages.find((m) => m.stream?.[0] === 'user' && payloadOf(m).id === heard.id));
    await until(() => s.messages.find((m) => m.stream?.[0] === 'public:local' && payloadOf(m).id === heard.id));
    await pause(200);
    expect(s.messages.filter((m) => m.payload?.includes(muted.id))).toEqual([]);
    s.ws.close();
  });

  it("a boost of a post from a server the reader blocked does not reach them; the booster's own post does", async () => {
    const db = t.app.get(DataSource);
    const domain = `blocked-${Date.now().toString(36)}.example`;
    const remoteId = uuidv7();
    const remotePostId = uuidv7();
    await db.query(`INSERT INTO accounts (id, username, domain, uri, url) VALUES ($1, 'remote', $2, $3, $3)`, [
      remoteId,
      domain,
      `https://${domain}/users/remote`,
    ]);
    await db.query(
      `INSERT INTO posts (id, account_id, local, uri, content, visibility) VALUES ($1, $2, false, $3, '<p>far</p>', 'public')`,
      [remotePostId, remoteId, `https://${domain}/notes/1`],
    );
    await asAlice.v1.domainBlocks.create({ domain });
    const s = await openStream(`${ws}?stream=user`, aliceToken);
    await pause(100);
    const boost = await asBob.v1.statuses.$select(remotePostId).reblog();
    const own = await asBob.v1.statuses.create({ status: 'from here' });
    await until(() => s.messages.find((m) => payloadOf(m).id === own.id));
    await pause(200);
    expect(s.messages.filter((m) => m.payload?.includes(boost.id) || m.payload?.includes(remotePostId))).toEqual([]);
    s.ws.close();
  });
});
