import { ConfigService, parseConfig } from '@guildhall/core';
import { MediaCapabilities, withoutMediaSecret } from './media-capability';

const ID = '0190a5b2-1c3d-7e4f-8a9b-0c1d2e3f4a5b';
const OTHER = '0190a5b2-1c3d-7e4f-8a9b-0c1d2e3f4a5c';

function capabilities(jwtSecret = 'j'.repeat(48)): MediaCapabilities {
  const config = new ConfigService(
    parseConfig({ PUBLIC_ORIGIN: 'https://guild.example' }),
    { jwtSecret, federationKeySecret: 'f'.repeat(48) },
    '',
  );
  return new MediaCapabilities(config);
}

describe('MediaCapabilities', () => {
  it('mints one 32-character base64url secret per attachment, the same in every process of the site', () => {
    const secret = capabilities().secretFor(ID);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(capabilities().secretFor(ID)).toBe(secret);
    expect(capabilities().secretFor(ID.toUpperCase())).toBe(secret);
    expect(capabilities().secretFor(OTHER)).not.toBe(secret);
  });

  it('changes every secret when JWT_SECRET changes (rotating it revokes them all)', () => {
    expect(capabilities('k'.repeat(48)).secretFor(ID)).not.toBe(capabilities().secretFor(ID));
    expect(capabilities('k'.repeat(48)).matches(ID, capabilities().secretFor(ID))).toBe(false);
  });

  it("accepts an attachment's own secret only", () => {
    const caps = capabilities();
    const secret = caps.secretFor(ID);
    expect(caps.matches(ID, secret)).toBe(true);
    expect(caps.matches(OTHER, secret)).toBe(false);
    expect(caps.matches(ID, `${secret[0] === 'A' ? 'B' : 'A'}${secret.slice(1)}`)).toBe(false);
    expect(caps.matches(ID, secret.slice(0, 31))).toBe(false);
    expect(caps.matches(ID, `${secret}A`)).toBe(false);
    expect(caps.matches(ID, '')).toBe(false);
    expect(caps.matches(ID, `${secret.slice(0, 31)}=`)).toBe(false);
  });

  it('points other servers at the plain URL for public and unlisted posts, at the capability otherwise', () => {
    const caps = capabilities();
    const upload = { id: ID, storageKey: `${ID}.png`, remoteUrl: null };
    expect(caps.federatedUrl(upload, 'public')).toBe(`https://guild.example/media/${ID}`);
    expect(caps.federatedUrl(upload, 'unlisted')).toBe(`https://guild.example/media/${ID}`);
    const capability = `https://guild.example/media/${ID}/${caps.secretFor(ID)}`;
    expect(caps.federatedUrl(upload, 'followers')).toBe(capability);
    expect(caps.federatedUrl(upload, 'direct')).toBe(capability);
    expect(caps.url(ID)).toBe(capability);
    const remote = { id: OTHER, storageKey: null, remoteUrl: 'https://elsewhere.example/files/a.png' };
    expect(caps.federatedUrl(remote, 'followers')).toBe('https://elsewhere.example/files/a.png');
  });
});

describe('withoutMediaSecret', () => {
  it("drops a capability URL's secret from a logged path and leaves every other path alone", () => {
    expect(withoutMediaSecret(`/media/${ID}/AbCdEfGhIjKlMnOpQrStUvWxYz012345`)).toBe(`/media/${ID}/…`);
    expect(withoutMediaSecret(`/media/${ID}`)).toBe(`/media/${ID}`);
    expect(withoutMediaSecret('/api/v1/media')).toBe('/api/v1/media');
    expect(withoutMediaSecret('/posts/x/replies')).toBe('/posts/x/replies');
  });
});
