import { Module } from '@nestjs/common';
import { CoopModule } from '@guildhall/coop';
import { ContentModule } from '@guildhall/content';
import { AuthPagesController } from './oauth/auth-pages.controller';
import { BrowserSessions } from './oauth/browser-session';
import { OAuthPagesController } from './oauth/oauth-pages.controller';
import { PagesController } from './pages.controller';
import { PagesService } from './pages.service';

/**
 * HTML pages for browsers at the actor and post URLs (CONTRACT.md, Federation), the coop's
 * period pages, and the OAuth pages (sign in, consent, authorized apps) Mastodon apps send
 * members to.
 */
@Module({
  imports: [ContentModule, CoopModule],
  controllers: [PagesController, AuthPagesController, OAuthPagesController],
  providers: [PagesService, BrowserSessions],
})
export class PagesModule {}
