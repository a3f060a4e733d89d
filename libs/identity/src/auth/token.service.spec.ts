import { createSecretKey } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { ConfigService, parseConfig } from '@guildhall/core';
import { TokenService } from './token.service';

const ORIGIN = 'https://guild.example';
const SECRET = 'j'.repeat(48);
const CLAIMS = { sub: '0190a5b2-1c3d-7e4f-8a9b-0c1d2e3f4a5b', sid: '0190a5b2-1c3d-7e4f-8a9b-0c1d2e3f4a5c' };

function jwtService(secret = SECRET): JwtService {
  return new JwtService({
    secret: createSecretKey(Buffer.from(secret, 'utf8')),
    signOptions: { algorithm: 'HS256', issuer: ORIGIN, audience: ORIGIN },
    verifyOptions: { algorithms: ['HS256'] },
  });
}

function tokenService(jwt: JwtService): TokenService {
  const config = new ConfigService(
    parseConfig({ PUBLIC_ORIGIN: ORIGIN, ACCESS_TOKEN_TTL_SECONDS: '60' }),
    { jwtSecret: SECRET, federationKeySecret: 'f'.repeat(48) },
    '',
  );
  return new TokenService(jwt, config);
}

describe('TokenService.verifyAccessToken', () => {
  afterEach(() => jest.restoreAllMocks());

  it('checks a token once, then answers from what it remembered until the token expires', async () => {
    const jwt = jwtService();
    const tokens = tokenService(jwt);
    const { token } = await tokens.issueAccessToken(CLAIMS);
    const verify = jest.spyOn(jwt, 'verifyAsync');

    expect(await tokens.verifyAccessToken(token)).toEqual(CLAIMS);
    expect(await tokens.verifyAccessToken(token)).toEqual(CLAIMS);
    expect(verify).toHaveBeenCalledTimes(1);

    // 61 s later the token has expired: it is checked again, and refused as expired.
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + 61_000);
    await expect(tokens.verifyAccessToken(token)).rejects.toMatchObject({ name: 'TokenExpiredError' });
    expect(verify).toHaveBeenCalledTimes(2);
    await expect(tokens.verifyAccessToken(token)).rejects.toMatchObject({ name: 'TokenExpiredError' });
    expect(verify).toHaveBeenCalledTimes(3);
  });

  it('never remembers a refused token: a forged one is refused every time', async () => {
    const tokens = tokenService(jwtService());
    const forged = await jwtService('k'.repeat(48)).signAsync({ ...CLAIMS }, { expiresIn: 60 });
    await expect(tokens.verifyAccessToken(forged)).rejects.toMatchObject({ name: 'JsonWebTokenError' });
    await expect(tokens.verifyAccessToken(forged)).rejects.toMatchObject({ name: 'JsonWebTokenError' });
  });

  it('hands out copies: a caller changing its claims does not change what the next one gets', async () => {
    const tokens = tokenService(jwtService());
    const { token } = await tokens.issueAccessToken(CLAIMS);
    const first = await tokens.verifyAccessToken(token);
    first.sub = 'someone else';
    expect(await tokens.verifyAccessToken(token)).toEqual(CLAIMS);
  });
});
