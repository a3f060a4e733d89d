import { uniqueName, type TestApp } from './test-app';

export const SIGN_UP = /* GraphQL */ `
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) {
      token
      refreshToken
      expiresAt
      account {
        id
        handle
        displayName
        uri
        url
        followersCount
        followingCount
      }
    }
  }
`;

export const LOG_IN = /* GraphQL */ `
  mutation LogIn($input: LogInInput!) {
    logIn(input: $input) {
      token
      refreshToken
      account {
        id
        handle
      }
    }
  }
`;

export const VIEWER = /* GraphQL */ `
  query {
    viewer {
      id
      handle
    }
  }
`;

export interface SignedUp {
  token: string;
  refreshToken: string;
  username: string;
  email: string;
  password: string;
  account: { id: string; handle: string; uri: string; url: string };
}

/** Signs a new member up through the API and returns its credentials and token. */
export async function signUp(
  app: TestApp,
  overrides: Partial<Record<'username' | 'email' | 'password' | 'displayName', string>> = {},
): Promise<SignedUp> {
  const username = overrides.username ?? uniqueName();
  const email = overrides.email ?? `${username}@example.org`;
  const password = overrides.password ?? 'correct horse battery staple';
  const res = await app.gql<{ signUp: Omit<SignedUp, 'username' | 'email' | 'password'> }>(SIGN_UP, {
    input: { username, email, password, displayName: overrides.displayName ?? null },
  });
  if (!res.data?.signUp) throw new Error(`signUp failed: ${JSON.stringify(res.errors)}`);
  return { ...res.data.signUp, username: username.toLowerCase(), email, password };
}
