import { Role } from '../identity.constants';

/** Who is making a request: set on the request by the JWT strategy. */
export interface AuthContext {
  accountId: string;
  userId: string;
  sessionId: string;
  role: Role;
}
