import { isIP } from 'node:net';

/** What an IP address is, for the outbound guard: only `public` may be a federation peer. */
export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'shared'
  | 'unique-local'
  | 'multicast'
  | 'reserved'
  | 'documentation';

/** IPv4 ranges (RFC 6890 and friends) that are never a public server; the ranges do not overlap. */
const IPV4_RANGES: [number, number, AddressClass][] = [
  [0x00000000, 8, 'unspecified'], // 0.0.0.0/8 "this network"
  [0x0a000000, 8, 'private'], // 10/8
  [0x64400000, 10, 'shared'], // 100.64/10 carrier-grade NAT
  [0x7f000000, 8, 'loopback'], // 127/8
  [0xa9fe0000, 16, 'link-local'], // 169.254/16 (cloud metadata lives here)
  [0xac100000, 12, 'private'], // 172.16/12
  [0xc0000000, 24, 'reserved'], // 192.0.0/24 IETF protocol assignments
  [0xc0000200, 24, 'documentation'], // 192.0.2/24 TEST-NET-1
  [0xc0586300, 24, 'reserved'], // 192.88.99/24 6to4 relay anycast
  [0xc0a80000, 16, 'private'], // 192.168/16
  [0xc6120000, 15, 'reserved'], // 198.18/15 benchmarking
  [0xc6336400, 24, 'documentation'], // 198.51.100/24 TEST-NET-2
  [0xcb007100, 24, 'documentation'], // 203.0.113/24 TEST-NET-3
  [0xe0000000, 4, 'multicast'], // 224/4
  [0xf0000000, 4, 'reserved'], // 240/4, 255.255.255.255 included
];

function ipv4Number(address: string): number {
  return address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

function classifyIpv4(value: number): AddressClass {
  for (const [base, prefix, kind] of IPV4_RANGES) {
    const size = 2 ** (32 - prefix);
    if (value >= base && value < base + size) return kind;
  }
  return 'public';
}

/** The eight 16-bit groups of an IPv6 address (dotted IPv4 tails and `::` expanded). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase().replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = ipv4Number(dotted[1]);
    text = `${text.slice(0, dotted.index)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, null];
  const parse = (part: string) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const left = parse(head);
  const right = tail === null ? [] : parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

function classifyIpv6(groups: number[]): AddressClass {
  const [g0, g1, , , , g5, g6, g7] = groups;
  const embeddedV4 = (g6 * 0x10000 + g7) >>> 0;
  const zeroTo = (n: number) => groups.slice(0, n).every((g) => g === 0);
  if (zeroTo(8)) return 'unspecified';
  if (zeroTo(7) && g7 === 1) return 'loopback';
  // ::ffff:a.b.c.d (IPv4-mapped) and the deprecated ::a.b.c.d (IPv4-compatible): the IPv4 address decides.
  if (zeroTo(5) && g5 === 0xffff) return classifyIpv4(embeddedV4);
  if (zeroTo(6)) return 'reserved';
  // 64:ff9b::/96 (NAT64) carries an IPv4 address too; 64:ff9b:1::/48 is for local use.
  if (g0 === 0x64 && g1 === 0xff9b)
    return groups.slice(2, 6).every((g) => g === 0) ? classifyIpv4(embeddedV4) : 'private';
  // 2002::/16 (6to4) embeds the IPv4 address in its second and third groups.
  if (g0 === 0x2002) return classifyIpv4((g1 * 0x10000 + groups[2]) >>> 0);
  if (g0 === 0x2001 && g1 === 0x0db8) return 'documentation';
  if (g0 === 0x2001 && g1 === 0) return 'reserved'; // Teredo tunnels to any IPv4 address
  if (g0 === 0x0100 && groups.slice(1, 4).every((g) => g === 0)) return 'reserved'; // 100::/64 discard-only
  if ((g0 & 0xfe00) === 0xfc00) return 'unique-local'; // fc00::/7
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local'; // fe80::/10
  if ((g0 & 0xffc0) === 0xfec0) return 'private'; // fec0::/10, the old site-local
  if ((g0 & 0xff00) === 0xff00) return 'multicast'; // ff00::/8
  // Only 2000::/3 is allocated as global unicast.
  if ((g0 & 0xe000) !== 0x2000) return 'reserved';
  return 'public';
}

/**
 * The class of an IP literal (IPv4, or IPv6 with or without brackets and zone); null when the
 * text is not an IP address (a host name: its DNS answers are classified instead).
 */
export function classifyAddress(address: string): AddressClass | null {
  const bare = address.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(bare.replace(/%.*$/, ''));
  if (family === 4) return classifyIpv4(ipv4Number(bare));
  if (family === 6) return classifyIpv6(ipv6Groups(bare));
  return null;
}

/** An IP literal that is not a public unicast address. Host names are not addresses: false. */
export function isPrivateAddress(address: string): boolean {
  const kind = classifyAddress(address);
  return kind !== null && kind !== 'public';
}
