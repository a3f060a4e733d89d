import type { ClientInfo } from './auth.service';

export interface GraphqlContext {
  req: { ip: string; headers: Record<string, string | string[] | undefined> };
}

/** Who is calling, as far as the request tells: the client address (TRUST_PROXY) and user agent. */
export function clientOf(context: GraphqlContext): ClientInfo {
  const userAgent = context.req.headers['user-agent'];
  return { ip: context.req.ip, userAgent: typeof userAgent === 'string' ? userAgent : null };
}
