import { createSecretKey } from 'node:crypto';
import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConfigService, PubSubModule } from '@guildhall/core';
import { AccountEntity } from './accounts/account.entity';
import { AccountLoaderRegistrar } from './accounts/account.loader';
import { AccountRepository } from './accounts/account.repository';
import { AccountStateRepository } from './accounts/account-state.repository';
import { AccountResolver } from './accounts/account.resolver';
import { RemoteAccountResolvers } from './accounts/remote-account.resolver';
import { RemoteLookupLimiter } from './accounts/remote-lookup.limiter';
import { StaffAuthority } from './accounts/staff-authority';
import { AccountService } from './accounts/account.service';
import { UserEntity } from './accounts/user.entity';
import { AuthResolver } from './auth/auth.resolver';
import { AuthService } from './auth/auth.service';
import { AuthGuard } from './auth/guards/auth.guard';
import { LoginThrottle } from './auth/login-throttle.service';
import { PasswordService } from './auth/password.service';
import { JwtStrategy } from './auth/strategies/jwt.strategy';
import { LocalStrategy } from './auth/strategies/local.strategy';
import { TokenService } from './auth/token.service';
import { IDENTITY_QUEUE } from './identity.constants';
import { IdentityProcessor } from './jobs/identity.processor';
import { SessionCache } from './sessions/session-cache';
import { SessionCleanupService } from './sessions/session-cleanup.service';
import { SessionEntity } from './sessions/session.entity';
import { SessionRepository } from './sessions/session.repository';
import { SessionResolver } from './sessions/session.resolver';
import { SpentRefreshTokenEntity } from './sessions/spent-refresh-token.entity';
import { CredentialRepository } from './passwords/credential.repository';
import { CredentialService } from './passwords/credential.service';
import { PasswordResetEntity } from './passwords/password-reset.entity';
import { PasswordResolver } from './passwords/password.resolver';
import { OAuthApplicationEntity } from './oauth/oauth-application.entity';
import { OAuthAuthorizationCodeEntity } from './oauth/oauth-authorization-code.entity';
import { OAuthRepository } from './oauth/oauth.repository';
import { OAuthService } from './oauth/oauth.service';

export interface IdentityModuleOptions {
  /** Run this lib's job processors in this process (the worker, or `npm start`'s all-in-one). */
  worker: boolean;
}

@Module({})
export class IdentityModule implements OnApplicationBootstrap {
  constructor(private readonly sessionCleanup: SessionCleanupService) {}

  static forRoot(options: IdentityModuleOptions): DynamicModule {
    return {
      module: IdentityModule,
      // Accounts are everyone's dependency: content, social and federation resolve them.
      global: true,
      imports: [
        TypeOrmModule.forFeature([
          AccountEntity,
          UserEntity,
          SessionEntity,
          SpentRefreshTokenEntity,
          PasswordResetEntity,
          OAuthApplicationEntity,
          OAuthAuthorizationCodeEntity,
        ]),
        PassportModule,
        JwtModule.registerAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            // A key object, made once: given the string, jsonwebtoken first tries it as a public
            // key and builds a key from it on every call (ADR 0053).
            secret: createSecretKey(Buffer.from(config.jwtSecret, 'utf8')),
            signOptions: {
              algorithm: 'HS256',
              issuer: config.values.publicOrigin,
              audience: config.values.publicOrigin,
            },
            verifyOptions: { algorithms: ['HS256'] },
          }),
        }),
        BullModule.registerQueue({ name: IDENTITY_QUEUE }),
        PubSubModule,
      ],
      providers: [
        AccountRepository,
        AccountStateRepository,
        SessionCache,
        SessionRepository,
        PasswordService,
        TokenService,
        AccountService,
        RemoteAccountResolvers,
        RemoteLookupLimiter,
        AccountLoaderRegistrar,
        StaffAuthority,
        LoginThrottle,
        AuthService,
        SessionCleanupService,
        SessionResolver,
        JwtStrategy,
        LocalStrategy,
        AuthGuard,
        AccountResolver,
        AuthResolver,
        CredentialRepository,
        CredentialService,
        PasswordResolver,
        OAuthRepository,
        OAuthService,
        ...(options.worker ? [IdentityProcessor] : []),
      ],
      exports: [
        AccountService,
        AccountRepository,
        AccountStateRepository,
        StaffAuthority,
        RemoteAccountResolvers,
        AuthService,
        CredentialService,
        SessionCleanupService,
        AuthGuard,
        OAuthService,
      ],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.sessionCleanup.schedule();
  }
}
