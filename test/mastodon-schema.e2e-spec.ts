import { signUp } from './utils/factories';
import { appToken, registerApp } from './utils/mastodon';
import { expectMastodonResponse, mastodonSchemaErrors } from './utils/mastodon-schema';
import { createTestApp, type TestApp } from './utils/test-app';

/**
 * Every implemented endpoint's answer checked against the published OpenAPI description of
 * Mastodon's API (test/fixtures/mastodon-openapi). Endpoint suites validate their own answers
 * with the same helper; this one covers discovery, apps and OAuth.
 */
describe("Mastodon API responses match Mastodon's published schema", () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    // Mastodon, like Guildhall, answers "" when no contact address is set; the schema wants one.
    t = await createTestApp({ INSTANCE_CONTACT_EMAIL: 'stewards@guildhall.test' });
    token = await appToken(t, await signUp(t), 'read write follow push');
  });
  afterAll(() => t.close());

  const get = async (path: string, auth = true) => {
    const req = t.http().get(path);
    if (auth) req.set('authorization', `Bearer ${token}`);
    const res = await req;
    return { status: res.status, body: res.body as unknown };
  };

  it('the validator refuses what is not Mastodon', () => {
    expect(mastodonSchemaErrors('GET', '/api/v2/instance', 200, { domain: 'x' }).length).toBeGreaterThan(0);
    expect(() => mastodonSchemaErrors('GET', '/api/v1/not-a-route', 200, {})).toThrow(/not in Mastodon/);
  });

  it.each([
    ['/api/v1/instance', false],
    ['/api/v2/instance', false],
    ['/api/v1/instance/rules', false],
    ['/api/v1/instance/extended_description', false],
    ['/api/v1/instance/peers', false],
    ['/api/v1/custom_emojis', false],
    ['/api/v1/trends/tags', false],
    ['/api/v1/trends/statuses', false],
    ['/api/v1/announcements', true],
    ['/api/v2/suggestions', true],
  ])('GET %s', async (path, auth) => {
    const res = await get(path, auth);
    expect(res.status).toBe(200);
    expectMastodonResponse('GET', path, 200, res.body);
  });

  it('POST /api/v1/apps and GET /api/v1/apps/verify_credentials', async () => {
    const res = await t
      .http()
      .post('/api/v1/apps')
      .send({ client_name: 'Schema', redirect_uris: 'urn:ietf:wg:oauth:2.0:oob', scopes: 'read' });
    expect(res.status).toBe(200);
    expectMastodonResponse('POST', '/api/v1/apps', 200, res.body);
    const app = await registerApp(t);
    const own = await t
      .http()
      .post('/oauth/token')
      .send({ grant_type: 'client_credentials', client_id: app.client_id, client_secret: app.client_secret });
    expectMastodonResponse('POST', '/oauth/token', 200, own.body);
    const verify = await t
      .http()
      .get('/api/v1/apps/verify_credentials')
      .set('authorization', `Bearer ${(own.body as { access_token: string }).access_token}`);
    expect(verify.status).toBe(200);
    expectMastodonResponse('GET', '/api/v1/apps/verify_credentials', 200, verify.body);
  });
});
