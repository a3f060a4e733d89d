import { type DocumentLoader, preloadedContexts } from '@fedify/fedify/runtime';
import { Create, type Note } from '@fedify/fedify/vocab';
import { isBlurhash, readRemoteAttachments } from './remote-attachment.mapper';
import { noFetch } from './inbox-support';
import { assertFetchable, type SafeFetchPolicy } from '../remote/safe-document-loader';

const MASTODON_CONTEXT = [
  'https://www.w3.org/ns/activitystreams',
  {
    toot: 'http://joinmastodon.org/ns#',
    blurhash: 'toot:blurhash',
    focalPoint: { '@container': '@list', '@id': 'toot:focalPoint' },
    sensitive: 'as:sensitive',
    schema: 'http://schema.org#',
    PropertyValue: 'schema:PropertyValue',
    value: 'schema:value',
  },
];
const BLURHASH = 'UBL_:rOpGG-oBUNG,qRj2so|=eE1w^n4S5NH';
/** The contexts Fedify ships, from memory (as the inbox's context loader answers them); nothing else. */
const contextLoader: DocumentLoader = (url) =>
  url in preloadedContexts
    ? Promise.resolve({ contextUrl: null, documentUrl: url, document: preloadedContexts[url] })
    : noFetch(url);
const loaders = { documentLoader: noFetch, contextLoader, suppressError: true as const };

function policy(allowPrivateAddresses: boolean): Pick<SafeFetchPolicy, 'allowPrivateAddresses' | 'isBlocked'> {
  return {
    allowPrivateAddresses,
    isBlocked: (host) => host === 'blocked.example',
  };
}

/** The policy check InboxSupport applies to linked files. */
const allowUrl = (allowPrivateAddresses: boolean) => (url: URL) => {
  try {
    assertFetchable(url, policy(allowPrivateAddresses));
    return true;
  } catch {
    return false;
  }
};

/** A Create(Note) as Mastodon sends it, parsed by Fedify as the inbox does; the Note's JSON as sent. */
async function note(attachment: unknown[]): Promise<{ object: Note; raw: unknown }> {
  const raw = {
    id: 'https://social.example/users/ann/statuses/1',
    type: 'Note',
    attributedTo: 'https://social.example/users/ann',
    content: '<p>Look</p>',
    attachment,
  };
  const create = await Create.fromJsonLd(
    {
      '@context': MASTODON_CONTEXT,
      id: 'https://social.example/users/ann/statuses/1/activity',
      type: 'Create',
      actor: 'https://social.example/users/ann',
      object: raw,
    },
    { documentLoader: noFetch, contextLoader },
  );
  return { object: (await create.getObject(loaders)) as Note, raw };
}

describe('readRemoteAttachments', () => {
  it('maps Mastodon Documents in order, with description, BlurHash and dimensions, skipping Link and PropertyValue', async () => {
    const { object, raw } = await note([
      {
        type: 'Document',
        mediaType: 'image/jpeg',
        url: 'https://files.social.example/media/a.jpg',
        name: 'A cat on a mat',
        blurhash: BLURHASH,
        width: 1200,
        height: 800,
        focalPoint: [0.25, -0.5],
      },
      { type: 'Link', href: 'https://example.com/', mediaType: 'text/html' },
      { type: 'PropertyValue', name: 'k', value: 'v' },
      { type: 'Video', mediaType: 'video/mp4', url: 'https://files.social.example/media/b.mp4', width: 640 },
      { type: 'Audio', mediaType: 'audio/ogg; codecs=opus', url: 'https://cdn.example/c.ogg', summary: 'Birdsong' },
    ]);
    expect(await readRemoteAttachments(object, loaders, { raw, allowUrl: allowUrl(false) })).toEqual([
      {
        url: 'https://files.social.example/media/a.jpg',
        mimeType: 'image/jpeg',
        altText: 'A cat on a mat',
        blurhash: BLURHASH,
        width: 1200,
        height: 800,
      },
      // One side alone gives no aspect ratio: neither is kept.
      {
        url: 'https://files.social.example/media/b.mp4',
        mimeType: 'video/mp4',
        altText: null,
        blurhash: null,
        width: null,
        height: null,
      },
      {
        url: 'https://cdn.example/c.ogg',
        mimeType: 'audio/ogg',
        altText: 'Birdsong',
        blurhash: null,
        width: null,
        height: null,
      },
    ]);
  });

  it('drops files that are not http(s), on private addresses, or on blocked domains', async () => {
    const { object, raw } = await note(
      [
        'file:///etc/passwd',
        'javascript:alert(1)',
        'http://127.0.0.1/x.png',
        'http://[::1]/x.png',
        'http://localhost:3000/x.png',
        'https://blocked.example/x.png',
        'https://user:pw@files.example/x.png',
        'https://files.example/ok.png',
      ].map((url) => ({ type: 'Image', mediaType: 'image/png', url })),
    );
    const urls = async (allowPrivate: boolean) =>
      (await readRemoteAttachments(object, loaders, { raw, allowUrl: allowUrl(allowPrivate) })).map((m) => m.url);
    expect(await urls(false)).toEqual(['https://files.example/ok.png']);
    // FEDERATION_ALLOW_PRIVATE_ADDRESSES=true (a loopback test peer): loopback files are linked.
    expect(await urls(true)).toEqual([
      'http://127.0.0.1/x.png',
      'http://[::1]/x.png',
      'http://localhost:3000/x.png',
      'https://files.example/ok.png',
    ]);
  });

  it('takes the first allowed url (a Link gives its mediaType), and application/octet-stream when none is given', async () => {
    const { object, raw } = await note([
      {
        type: 'Document',
        url: [
          { type: 'Link', href: 'file:///x.mp4', mediaType: 'video/mp4' },
          { type: 'Link', href: 'https://videos.example/x.webm', mediaType: 'video/webm' },
        ],
      },
      { type: 'Document', url: 'https://files.example/thing', mediaType: 'not a type' },
    ]);
    expect(
      (await readRemoteAttachments(object, loaders, { raw, allowUrl: allowUrl(false) })).map((m) => [
        m.url,
        m.mimeType,
      ]),
    ).toEqual([
      ['https://videos.example/x.webm', 'video/webm'],
      ['https://files.example/thing', 'application/octet-stream'],
    ]);
  });

  it('keeps at most 16 attachments and clamps descriptions to 1500 characters', async () => {
    const { object, raw } = await note(
      Array.from({ length: 20 }, (_, i) => ({
        type: 'Document',
        mediaType: 'image/png',
        url: `https://files.example/${i}.png`,
        name: i === 0 ? `  ${'é'.repeat(1600)}  ` : '   ',
      })),
    );
    const media = await readRemoteAttachments(object, loaders, { raw, allowUrl: allowUrl(false) });
    expect(media.map((m) => m.url)).toEqual(Array.from({ length: 16 }, (_, i) => `https://files.example/${i}.png`));
    expect(media[0].altText).toBe('é'.repeat(1500));
    expect(media[1].altText).toBeNull();
  });

  it('ignores a BlurHash that Mastodon would refuse, and one given for another file', async () => {
    const { object, raw } = await note([
      { type: 'Document', mediaType: 'image/png', url: 'https://files.example/1.png', blurhash: 'not a hash!' },
      { type: 'Document', mediaType: 'image/png', url: 'https://files.example/2.png' },
    ]);
    const other = { attachment: [{ url: 'https://files.example/3.png', blurhash: BLURHASH }] };
    expect(
      (await readRemoteAttachments(object, loaders, { raw, allowUrl: allowUrl(false) })).map((m) => m.blurhash),
    ).toEqual([null, null]);
    expect(
      (await readRemoteAttachments(object, loaders, { raw: other, allowUrl: allowUrl(false) })).map((m) => m.blurhash),
    ).toEqual([null, null]);
  });
});

describe('isBlurhash', () => {
  it.each([
    [BLURHASH, true],
    ['LEHV6nWB2yk8pyo0adR*.7kCMdnj', true],
    // Size flag 4×4 but too short.
    ['UBL_:rOpGG-oBUNG', false],
    // Well formed, but 9×9 components: more than Mastodon accepts.
    [`|${'0'.repeat(4 + 2 * 81 - 1)}`, false],
    // 6×1 components.
    [`5${'0'.repeat(4 + 2 * 6 - 1)}`, false],
    ['LEHV6nWB2yk8pyo0adR*.7kCMdn"', false],
    ['', false],
    [42, false],
  ])('%p → %p', (value, expected) => {
    expect(isBlurhash(value)).toBe(expected);
  });
});
