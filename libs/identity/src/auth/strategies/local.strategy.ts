import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-local';
import type { UserEntity } from '../../accounts/user.entity';
import { AuthService } from '../auth.service';

interface LoginRequest {
  ip: string;
  headers: Record<string, string | string[] | undefined>;
}

@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(private readonly auth: AuthService) {
    super({ usernameField: 'usernameOrEmail', passwordField: 'password', passReqToCallback: true, session: false });
  }

  validate(request: LoginRequest, usernameOrEmail: string, password: string): Promise<UserEntity> {
    const userAgent = request.headers['user-agent'];
    return this.auth.verifyCredentials(usernameOrEmail, password, {
      ip: request.ip,
      userAgent: typeof userAgent === 'string' ? userAgent : null,
    });
  }
}
