import { Module } from '@nestjs/common';
import { ActivityRepository } from './activity.repository';

/** Content's read operations for other libs' bookkeeping (the co-op's reconciliation). */
@Module({ providers: [ActivityRepository], exports: [ActivityRepository] })
export class ActivityModule {}
