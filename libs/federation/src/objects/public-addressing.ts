const PUBLIC_IRI = 'https://www.w3.org/ns/activitystreams#Public';

const expand = (value: unknown): unknown =>
  Array.isArray(value) ? value.map(expand) : value === 'as:Public' || value === 'Public' ? PUBLIC_IRI : value;

/**
 * Fedify compacts the Public collection to `as:Public`; FEDERATION.md asks for the full IRI (what
 * Mastodon itself emits). Rewrites `to`/`cc` in place, also in the objects an activity or a
 * collection page embeds. Used on served documents and on delivered activities alike.
 */
export function expandPublicAddressing(node: unknown, depth = 0): void {
  if (depth > 4 || node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach((item) => expandPublicAddressing(item, depth + 1));
  const record = node as Record<string, unknown>;
  for (const key of ['to', 'cc']) if (key in record) record[key] = expand(record[key]);
  for (const key of ['object', 'orderedItems']) if (key in record) expandPublicAddressing(record[key], depth + 1);
}
