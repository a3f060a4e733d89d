import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainBlockEntity } from './domain-block.entity';

@Injectable()
export class DomainBlockRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  allDomains(): Promise<string[]> {
    return this.dataSource
      .getRepository(DomainBlockEntity)
      .find({ select: { domain: true } })
      .then((rows) => rows.map((row) => row.domain));
  }
}
