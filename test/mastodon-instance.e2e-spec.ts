import { signUp } from './utils/factories';
import { appToken } from './utils/mastodon';
import { createListeningTestApp, type TestApp } from './utils/test-app';

describe('Mastodon instance and discovery', () => {
  let t: TestApp & { origin: string };

  beforeAll(async () => {
    t = await createListeningTestApp({ INSTANCE_NAME: 'Maker Guild', INSTANCE_CONTACT_EMAIL: 'stewards@guild.test' });
  });
  afterAll(() => t.close());

  it('masto.js reads /api/v2/instance with a Mastodon-compatible version, limits and the streaming URL', async () => {
    const { createRestAPIClient } = await import('masto');
    const client = createRestAPIClient({ url: t.origin });
    const instance = await client.v2.instance.fetch();
    expect(instance.domain).toBe(new URL(t.origin).host);
    expect(instance.title).toBe('Maker Guild');
    expect(instance.version).toMatch(/^4\.3\.0 \(compatible; Guildhall \d+\.\d+\.\d+\)$/);
    expect(instance.configuration.urls.streaming).toBe(t.origin.replace('http', 'ws'));
    expect(instance.configuration.statuses).toEqual({
      maxCharacters: 5000,
      maxMediaAttachments: 4,
      charactersReservedPerUrl: 23,
    });
    expect(instance.configuration.polls).toEqual({
      maxOptions: 4,
      maxCharactersPerOption: 50,
      minExpiration: 300,
      maxExpiration: 2_629_746,
    });
    expect(instance.configuration.vapid.publicKey).toMatch(/^[\w-]{87}$/);
    expect(instance.registrations).toMatchObject({ enabled: true, approvalRequired: false });
    expect(instance.contact.email).toBe('stewards@guild.test');
    expect(instance.apiVersions).toEqual({ mastodon: 2 });
    const thumbnail = await fetch(instance.thumbnail.url);
    expect(thumbnail.headers.get('content-type')).toBe('image/png');
  });

  it('v1 counts the members and their posts', async () => {
    const before = (await (await fetch(`${t.origin}/api/v1/instance`)).json()) as { stats: { user_count: number } };
    await signUp(t);
    const res = await fetch(`${t.origin}/api/v1/instance`);
    const body = (await res.json()) as Record<string, unknown> & { stats: { user_count: number } };
    expect(body).toMatchObject({
      uri: new URL(t.origin).host,
      title: 'Maker Guild',
      registrations: true,
      urls: { streaming_api: t.origin.replace('http', 'ws') },
    });
    expect(body.stats.user_count).toBe(before.stats.user_count + 1);
  });

  it("megalodon's server detection accepts Guildhall by its NodeInfo", async () => {
    const { detector } = await import('megalodon');
    await expect(detector(t.origin)).resolves.toBe('mastodon');
    const links = (await (await fetch(`${t.origin}/.well-known/nodeinfo`)).json()) as { links: { href: string }[] };
    const nodeinfo = (await (await fetch(links.links[0].href)).json()) as { metadata: Record<string, unknown> };
    expect(nodeinfo.metadata).toMatchObject({
      nodeName: 'Maker Guild',
      upstream: { name: 'mastodon', version: '4.3.0' },
      features: expect.arrayContaining(['mastodon_api', 'mastodon_api_streaming']),
    });
  });

  it('answers the member-scoped defaults to a token with the scope, 401 without one, 403 with the wrong one', async () => {
    const member = await signUp(t);
    const token = await appToken(t, member, 'read write');
    const prefs = await fetch(`${t.origin}/api/v1/preferences`, { headers: { authorization: `Bearer ${token}` } });
    expect(prefs.status).toBe(200);
    expect(await prefs.json()).toMatchObject({ 'posting:default:visibility': 'public' });
    const anonymous = await fetch(`${t.origin}/api/v1/preferences`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: 'The access token is invalid' });
    const writeOnly = await appToken(t, member, 'write');
    const refused = await fetch(`${t.origin}/api/v1/preferences`, {
      headers: { authorization: `Bearer ${writeOnly}` },
    });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: 'This action is outside the authorized scopes' });
  });

  it('serves the missing avatar placeholder the account entity points at', async () => {
    const res = await fetch(`${t.origin}/avatars/original/missing.png`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await res.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
  });
});
