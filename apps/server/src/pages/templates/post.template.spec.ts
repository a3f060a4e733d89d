import { type MediaAttachmentModel, MediaTypeModel, type PostModel } from '@guildhall/content';
import { postBody } from './post.template';

const post = { content: '<p>Hi</p>', contentWarning: null } as PostModel;

function media(overrides: Partial<MediaAttachmentModel>): MediaAttachmentModel {
  return {
    id: 'm',
    type: MediaTypeModel.IMAGE,
    url: 'https://files.example/a.png',
    previewUrl: 'https://files.example/a.png',
    remoteUrl: 'https://files.example/a.png',
    mimeType: 'image/png',
    width: 4,
    height: 3,
    byteSize: null,
    altText: 'A "quoted" cat',
    blurhash: null,
    ...overrides,
  };
}

describe('postBody', () => {
  it('shows images inline (with their size when known) and other media as links, skipping non-http URLs', () => {
    const html = postBody(post, [
      media({}),
      media({ width: null, height: null, altText: null }),
      media({ type: MediaTypeModel.VIDEO, url: 'https://files.example/b.mp4', altText: 'A clip' }),
      media({ type: MediaTypeModel.UNKNOWN, url: 'https://files.example/c.bin', altText: null }),
      media({ url: 'javascript:alert(1)' }),
    ]).value;
    expect(html).toBe(
      '<div class="content"><p>Hi</p></div>' +
        '<figure><img src="https://files.example/a.png" alt="A &quot;quoted&quot; cat" width="4" height="3" loading="lazy"></figure>' +
        '<figure><img src="https://files.example/a.png" alt="" loading="lazy"></figure>' +
        '<figure><a href="https://files.example/b.mp4" rel="nofollow noopener">Video: A clip</a></figure>' +
        '<figure><a href="https://files.example/c.bin" rel="nofollow noopener">Attached file</a></figure>',
    );
  });
});
