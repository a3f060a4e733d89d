import { Get, Param, Delete, HttpCode, HttpStatus } from '@nestjs/common';
import { MastodonController, MastodonPost } from '../http/mastodon-controller.decorator';
import { Scope } from '../http/scopes.decorator';

/**
 * Member-scoped endpoints where Guildhall has nothing of its own yet: Mastodon's documented
 * answers for an instance without announcements or follow suggestions, and the default
 * posting preferences (Guildhall posts are public by default; nothing is expanded).
 */
@MastodonController('api')
export class MemberDefaultsController {
  @Get('v1/preferences')
  @Scope('read:accounts')
  preferences() {
    return {
      'posting:default:visibility': 'public',
      'posting:default:sensitive': false,
      'posting:default:language': null,
      'reading:expand:media': 'default',
      'reading:expand:spoilers': false,
    };
  }

  @Get('v1/announcements')
  @Scope('read')
  announcements() {
    return [];
  }

  /** Dismissing or reacting to an announcement that does not exist. */
  @MastodonPost('v1/announcements/:id/dismiss')
  @Scope('write:accounts')
  dismiss(@Param('id') _id: string) {
    return {};
  }

  @Get(['v1/suggestions', 'v2/suggestions'])
  @Scope('read')
  suggestions() {
    return [];
  }

  @Delete('v1/suggestions/:id')
  @Scope('read')
  @HttpCode(HttpStatus.OK)
  removeSuggestion(@Param('id') _id: string) {
    return {};
  }
}
