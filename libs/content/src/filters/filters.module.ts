import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PubSubModule } from '@guildhall/core';
import { FilterKeywordEntity } from './filter-keyword.entity';
import { FilterMatcher } from './filter.matcher';
import { FilterRepository } from './filter.repository';
import { FilterService } from './filter.service';
import { FilterStatusEntity } from './filter-status.entity';
import { FilterEntity } from './filter.entity';

/** Members' filters of what they read (ADR 0033): their keywords and posts, and the matcher. */
@Module({
  imports: [TypeOrmModule.forFeature([FilterEntity, FilterKeywordEntity, FilterStatusEntity]), PubSubModule],
  providers: [FilterRepository, FilterService, FilterMatcher],
  exports: [FilterService, FilterMatcher],
})
export class FiltersModule {}
