import { applyDecorators, Controller, HttpCode, HttpStatus, Post, UseFilters, UseGuards } from '@nestjs/common';
import { MastodonExceptionFilter } from './mastodon-exception.filter';
import { ScopeGuard } from './scope.guard';

/**
 * A controller of the Mastodon client API: Mastodon's errors, and @Scope() checked after the
 * global AuthGuard has resolved the token (controller guards run after global ones).
 */
export const MastodonController = (prefix = '') =>
  applyDecorators(Controller(prefix), UseFilters(MastodonExceptionFilter), UseGuards(ScopeGuard));

/** A POST route answering 200, as Mastodon's do (Nest's default for POST is 201). */
export const MastodonPost = (path = '') => applyDecorators(Post(path), HttpCode(HttpStatus.OK));
