import { DataSource } from 'typeorm';
import type { SignedUp } from './factories';
import { csrfOf, FormClient } from './oauth-pages';
import type { TestApp } from './test-app';

export { csrfOf, formFields, hiddenValue } from './oauth-pages';

/** Gives an account a staff role, as `guildhall accounts role` would. */
export async function makeStaff(t: TestApp, accountId: string, role: 'admin' | 'moderator' = 'admin'): Promise<void> {
  await t.app.get(DataSource).query(`UPDATE users SET role = $2 WHERE account_id = $1`, [accountId, role]);
}

/** A browser (cookies, this origin) signed in as the member through the sign-in form. */
export async function webClient(t: TestApp & { origin?: string }, member: SignedUp): Promise<FormClient> {
  const client = new FormClient(t, t.origin ?? 'http://guildhall.test');
  const res = await client.signIn(member.username, member.password, '/auth/sign_in?return_to=%2F');
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
  return client;
}

/** Posts a page's form as the browser would: the CSRF token read from `page`'s HTML. */
export async function submit(
  client: FormClient,
  pagePath: string,
  action: string,
  fields: Record<string, string>,
): Promise<Awaited<ReturnType<FormClient['post']>>> {
  const page = await client.get(pagePath);
  return client.post(action, { authenticity_token: csrfOf(page.text), ...fields });
}
