import type { ReportEntity } from './report.entity';
import type { ReportModel } from './report.model';

export function toReportModel(report: ReportEntity): ReportModel {
  return {
    id: report.id,
    comment: report.comment,
    sourceDomain: report.sourceDomain,
    createdAt: report.createdAt,
    resolvedAt: report.resolvedAt,
    targetAccountId: report.targetAccountId,
    reporterId: report.reporterId,
    resolvedById: report.resolvedById,
    postIds: report.postIds,
  };
}
