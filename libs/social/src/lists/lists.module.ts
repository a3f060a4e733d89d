import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ListAccountEntity } from './list-account.entity';
import { ListEntity } from './list.entity';
import { ListRepository } from './list.repository';
import { ListResolver } from './list.resolver';
import { ListService } from './list.service';

/** Members' lists of accounts they follow (the timeline of a list is content's). */
@Module({
  imports: [TypeOrmModule.forFeature([ListEntity, ListAccountEntity])],
  providers: [ListRepository, ListService, ListResolver],
  exports: [ListService],
})
export class ListsModule {}
