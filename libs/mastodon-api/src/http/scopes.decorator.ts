import { SetMetadata } from '@nestjs/common';

export const REQUIRED_SCOPE = 'mastodon:requiredScope';

/**
 * The OAuth scope a Mastodon API route needs (`read:statuses`, `write:favourites`…): a token
 * without it is refused with 403. First-party sessions have every scope.
 */
export const Scope = (scope: string) => SetMetadata(REQUIRED_SCOPE, scope);
