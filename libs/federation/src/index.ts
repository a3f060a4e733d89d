export { FederationModule, FederationStorageModule } from './federation.module';
export { FederationHttpHandler } from './http/federation-http.handler';
export { FederationService } from './federation.service';
export { ActorKeyService, INSTANCE_ACTOR_KEY_ID } from './keys/actor-key.service';
export { ActorKeyEntity } from './keys/actor-key.entity';
export { FederationKvEntity } from './kv/federation-kv.entity';
export { PostgresKvStore } from './kv/postgres-kv.store';
