import { Module } from '@nestjs/common';
import { EventRelay } from './event-relay.service';
import { EventsModule } from './events.module';

/** The relay that retries and takes over deliveries: worker processes only (apps/worker, `--with-worker`). */
@Module({
  imports: [EventsModule],
  providers: [EventRelay],
})
export class EventRelayModule {}
