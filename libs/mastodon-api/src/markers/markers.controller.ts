import { Body, Get, Query } from '@nestjs/common';
import { type AuthContext, CurrentAuth } from '@guildhall/identity';
import { MastodonController, MastodonPost } from '../http/mastodon-controller.decorator';
import { MastodonException } from '../http/mastodon.exception';
import { arrayParam } from '../http/params';
import { Scope } from '../http/scopes.decorator';
import { MARKER_TIMELINES, type MarkerEntity, MarkerService, type MarkerTimeline } from '@guildhall/social';

const MAX_ID_LENGTH = 100;

function render(markers: MarkerEntity[]) {
  return Object.fromEntries(
    markers.map((marker) => [
      marker.timeline,
      { last_read_id: marker.lastReadId, version: marker.version, updated_at: marker.updatedAt.toISOString() },
    ]),
  );
}

/** Mastodon's read markers: `GET /api/v1/markers?timeline[]=…` and `POST /api/v1/markers`. */
@MastodonController('api/v1/markers')
export class MarkersController {
  constructor(private readonly markers: MarkerService) {}

  @Get()
  @Scope('read:statuses')
  async get(@CurrentAuth() auth: AuthContext, @Query() query: Record<string, unknown>) {
    const asked = MARKER_TIMELINES.filter((name) => arrayParam(query, 'timeline').includes(name));
    return render(await this.markers.find(auth.accountId, asked));
  }

  @MastodonPost()
  @Scope('write:statuses')
  async save(@CurrentAuth() auth: AuthContext, @Body() body: Record<string, unknown> | undefined) {
    const updates: [MarkerTimeline, string][] = [];
    for (const timeline of MARKER_TIMELINES) {
      const value = (body ?? {})[timeline];
      if (value === undefined) continue;
      const id = typeof value === 'object' && value !== null ? (value as Record<string, unknown>).last_read_id : null;
      if (typeof id !== 'string' || !id || id.length > MAX_ID_LENGTH) {
        throw MastodonException.unprocessable(`${timeline}[last_read_id] must be an id`);
      }
      updates.push([timeline, id]);
    }
    if (!updates.length) throw MastodonException.unprocessable('Nothing to save: send home or notifications');
    return render(await this.markers.save(auth.accountId, updates));
  }
}
