import { Injectable } from '@nestjs/common';
import type { MarkerEntity } from './marker.entity';
import { MarkerRepository } from './marker.repository';

/** The timelines a marker may be kept for (Mastodon's). */
export const MARKER_TIMELINES = ['home', 'notifications'] as const;
export type MarkerTimeline = (typeof MARKER_TIMELINES)[number];

/** Read markers: where a member stopped reading their home timeline and their notifications. */
@Injectable()
export class MarkerService {
  constructor(private readonly markers: MarkerRepository) {}

  find(accountId: string, timelines: readonly MarkerTimeline[]): Promise<MarkerEntity[]> {
    return timelines.length ? this.markers.find(accountId, timelines) : Promise.resolve([]);
  }

  /** Saves each marker (its version increments), then answers them as stored. */
  async save(accountId: string, updates: readonly [MarkerTimeline, string][]): Promise<MarkerEntity[]> {
    for (const [timeline, lastReadId] of updates) await this.markers.save(accountId, timeline, lastReadId);
    return this.find(
      accountId,
      updates.map(([timeline]) => timeline),
    );
  }
}
