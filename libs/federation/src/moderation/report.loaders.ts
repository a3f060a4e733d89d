import { Injectable, type OnModuleInit } from '@nestjs/common';
import { LoaderFactories, LoaderKey } from '@guildhall/core';
import type { PostEntity } from '@guildhall/content';
import DataLoader from 'dataloader';
import { ReportRepository } from './report.repository';

/**
 * Reported posts by id, for `Report.posts`: whatever their visibility (moderators judge them),
 * null when deleted. Only reached through reports, which members see only when filing one.
 */
export const REPORTED_POST_BY_ID = new LoaderKey<PostEntity | null>('reportedPostById');

@Injectable()
export class ReportLoaderRegistrar implements OnModuleInit {
  constructor(
    private readonly loaders: LoaderFactories,
    private readonly reports: ReportRepository,
  ) {}

  onModuleInit(): void {
    this.loaders.register(
      REPORTED_POST_BY_ID,
      () =>
        new DataLoader<string, PostEntity | null>(async (ids) => {
          const rows = await this.reports.findPosts([...ids]);
          const byId = new Map(rows.map((row) => [row.id, row]));
          return ids.map((id) => byId.get(id) ?? null);
        }),
    );
  }
}
