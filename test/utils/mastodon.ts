import type { SignedUp } from './factories';
import type { TestApp } from './test-app';

export interface RegisteredTestApp {
  id: string;
  client_id: string;
  client_secret: string;
  scopes: string[];
  redirect_uris: string[];
}

/** Registers a Mastodon client app (`POST /api/v1/apps`) as a client would. */
export async function registerApp(
  t: TestApp,
  scopes = 'read write follow push',
  redirectUris = 'urn:ietf:wg:oauth:2.0:oob',
): Promise<RegisteredTestApp> {
  const res = await t
    .http()
    .post('/api/v1/apps')
    .send({ client_name: 'Test client', redirect_uris: redirectUris, scopes, website: 'https://client.example' });
  if (res.status !== 200) throw new Error(`apps: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as RegisteredTestApp;
}

/** A member's token for an app, through the password grant (the member's email and password). */
export async function appToken(
  t: TestApp,
  member: Pick<SignedUp, 'email' | 'password'>,
  scopes = 'read write follow push',
  app?: RegisteredTestApp,
): Promise<string> {
  const client = app ?? (await registerApp(t, scopes));
  const res = await t.http().post('/oauth/token').send({
    grant_type: 'password',
    client_id: client.client_id,
    client_secret: client.client_secret,
    username: member.email,
    password: member.password,
    scope: scopes,
  });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { access_token: string }).access_token;
}
