import { Role } from '../identity.constants';

/** Who is making a request: set on the request by the AuthGuard. */
export interface AuthContext {
  accountId: string;
  userId: string;
  sessionId: string;
  role: Role;
  /**
   * The OAuth scopes of an app's token (the Mastodon client API); null for a first-party
   * session, which may do everything.
   */
  scopes: readonly string[] | null;
  /** The OAuth app acting for the member, if any. */
  applicationId: string | null;
}

/** An OAuth app acting for itself (`client_credentials`): no member behind it. */
export interface AppAuthContext {
  applicationId: string;
  sessionId: string;
  scopes: readonly string[];
}
