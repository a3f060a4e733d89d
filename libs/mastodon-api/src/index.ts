export { MastodonApiModule } from './mastodon-api.module';
export { parseFormBody } from './http/params';
export { MastodonExceptionFilter } from './http/mastodon-exception.filter';
export { PushKeys } from './push/push-keys';
export { StatusSerializer, type SerializeContext } from './serializers/status.serializer';
export { MastodonLoaders } from './http/mastodon-request';
export { PushModule, PushStorageModule, type PushModuleOptions } from './push/push.module';
export { MASTODON_PUSH_QUEUE } from './push/push.constants';
