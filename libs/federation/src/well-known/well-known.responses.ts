import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const NODEINFO_VERSIONS = ['2.0', '2.1'] as const;
export type NodeInfoVersion = (typeof NODEINFO_VERSIONS)[number];

/** Our own version, from the nearest package.json named guildhall (source tree and dist/ alike). */
function readVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const path = join(dir, 'package.json');
    if (!existsSync(path)) continue;
    const pkg = JSON.parse(readFileSync(path, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'guildhall' && pkg.version) return pkg.version;
  }
  return '0.0.0';
}
export const SOFTWARE_VERSION = readVersion();

/** The Mastodon version whose client API Guildhall speaks (libs/mastodon-api). */
export const MASTODON_COMPATIBLE_VERSION = '4.3.0';

const json = (body: unknown, contentType: string) =>
  new Response(JSON.stringify(body), {
    headers: { 'Content-Type': contentType, 'Access-Control-Allow-Origin': '*' },
  });

const escapeXml = (value: string) =>
  value.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

/** `/.well-known/host-meta`: the XRD that points at WebFinger (RFC 6415). */
export function hostMeta(origin: string): Response {
  const template = escapeXml(`${origin}/.well-known/webfinger?resource={uri}`);
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n' +
    `  <Link rel="lrdd" type="application/jrd+json" template="${template}"/>\n` +
    '</XRD>\n';
  return new Response(body, {
    headers: { 'Content-Type': 'application/xrd+xml; charset=utf-8', 'Access-Control-Allow-Origin': '*' },
  });
}

/** `/.well-known/nodeinfo`: links to each NodeInfo document we serve. */
export function nodeInfoLinks(origin: string): Response {
  return json(
    {
      links: NODEINFO_VERSIONS.map((version) => ({
        rel: `http://nodeinfo.diaspora.software/ns/schema/${version}`,
        href: `${origin}/nodeinfo/${version}`,
      })),
    },
    'application/json',
  );
}

export function isNodeInfoVersion(version: string): version is NodeInfoVersion {
  return (NODEINFO_VERSIONS as readonly string[]).includes(version);
}

/** NodeInfo 2.0 or 2.1 (2.1 only adds optional software.repository/homepage, which we omit). */
export function nodeInfo(
  version: NodeInfoVersion,
  counts: { users: number; localPosts: number },
  instance: { name: string; description: string },
): Response {
  const software = { name: 'guildhall', version: SOFTWARE_VERSION };
  return json(
    {
      version,
      software,
      protocols: ['activitypub'],
      services: { inbound: [], outbound: [] },
      openRegistrations: true,
      usage: { users: { total: counts.users }, localPosts: counts.localPosts },
      // Clients that detect a server by NodeInfo (megalodon, Akkoma-aware apps) accept a
      // Mastodon-compatible one by `upstream` and `features`.
      metadata: {
        nodeName: instance.name,
        nodeDescription: instance.description,
        upstream: { name: 'mastodon', version: MASTODON_COMPATIBLE_VERSION },
        features: ['mastodon_api', 'mastodon_api_streaming', 'polls'],
      },
    },
    `application/json; profile="http://nodeinfo.diaspora.software/ns/schema/${version}#"`,
  );
}
