export { MastodonApiModule } from './mastodon-api.module';
export { parseFormBody } from './http/params';
export { MastodonExceptionFilter } from './http/mastodon-exception.filter';
export { PushKeys } from './push/push-keys';
export { PushModule, PushStorageModule, type PushModuleOptions } from './push/push.module';
export { MASTODON_PUSH_QUEUE } from './push/push.constants';
