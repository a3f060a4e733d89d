import type { DomainBlockEntity } from './domain-block.entity';
import type { DomainBlockModel } from './domain-block.model';

export function toDomainBlockModel(block: DomainBlockEntity): DomainBlockModel {
  return { domain: block.domain, reason: block.reason, createdAt: block.createdAt, createdById: block.createdById };
}
