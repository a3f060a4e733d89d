import { type DomainBlockEntity, DomainPurgeStatus } from './domain-block.entity';
import { type DomainBlockModel, DomainPurgeStatusValue } from './domain-block.model';

const STATUS: Record<DomainPurgeStatus, DomainPurgeStatusValue> = {
  [DomainPurgeStatus.Pending]: DomainPurgeStatusValue.PENDING,
  [DomainPurgeStatus.Running]: DomainPurgeStatusValue.RUNNING,
  [DomainPurgeStatus.Done]: DomainPurgeStatusValue.DONE,
  [DomainPurgeStatus.Failed]: DomainPurgeStatusValue.FAILED,
};

export function toDomainBlockModel(block: DomainBlockEntity): DomainBlockModel {
  return {
    domain: block.domain,
    reason: block.reason,
    createdAt: block.createdAt,
    createdById: block.createdById,
    purge: {
      status: STATUS[block.purgeStatus],
      accountsPurged: block.accountsPurged,
      postsPurged: block.postsPurged,
      startedAt: block.purgeStartedAt,
      finishedAt: block.purgeFinishedAt,
    },
  };
}
