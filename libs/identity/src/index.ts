export { IdentityModule, type IdentityModuleOptions } from './identity.module';
export { AuthGuard } from './auth/guards/auth.guard';
export { Public } from './auth/decorators/public.decorator';
export { Roles } from './auth/decorators/roles.decorator';
export { CurrentAuth, CurrentApp } from './auth/decorators/current-auth.decorator';
export type { AuthContext, AppAuthContext } from './auth/auth-context';
export { AccountService, parseHandle, type CreateLocalAccountInput } from './accounts/account.service';
export { AccountEntity } from './accounts/account.entity';
export { AccountModel } from './accounts/account.model';
export { AuthService } from './auth/auth.service';
export { SignUpInput } from './auth/dto/sign-up.input';
export { CredentialService } from './passwords/credential.service';
export { SessionCache } from './sessions/session-cache';
export { SessionCleanupService } from './sessions/session-cleanup.service';
export { IdentityException, IdentityErrorCode } from './identity.exception';
export { IDENTITY_QUEUE, IdentityJob, PASSWORD_MIN_LENGTH, Role } from './identity.constants';
export { AccountResolver } from './accounts/account.resolver';
export { AuthResolver } from './auth/auth.resolver';
export { ACCOUNT_BY_ID } from './accounts/account.loader';
export { AccountRepository } from './accounts/account.repository';
export { StaffAuthority, isStaffRole, mayModerateRole } from './accounts/staff-authority';
export { localActorUri, toAccountModel } from './accounts/account.mapper';
export { RemoteAccountResolvers, type RemoteAccountResolver } from './accounts/remote-account.resolver';
export { type RemoteAccountData } from './accounts/account.repository';
export {
  OAuthService,
  isAcceptableRedirectUri,
  type CheckedAuthorization,
  type IssuedAppToken,
  type RegisteredApp,
} from './oauth/oauth.service';
export { OAuthApplicationEntity } from './oauth/oauth-application.entity';
export { KNOWN_SCOPES, parseScopes, scopeAllows } from './oauth/oauth-scopes';
export { OAUTH_OOB_REDIRECT } from './identity.constants';
export type { AuthorizedApp, SessionView } from './sessions/session.repository';
export { ChangePasswordArgs } from './passwords/dto/change-password.args';
export type { ClientInfo, IssuedSession } from './auth/auth.service';
export {
  type Actor,
  type LocalActor,
  type RemoteActor,
  localActor,
  remoteActor,
  activityUriOf,
} from './accounts/actor';
export {
  AccountStateRepository,
  type AccountProfilePatch,
  type FollowCounts,
} from './accounts/account-state.repository';
