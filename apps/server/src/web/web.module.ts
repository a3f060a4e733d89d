import { Module } from '@nestjs/common';
import { ContentModule } from '@guildhall/content';
import { CoopModule } from '@guildhall/coop';
import { BrowserSessions } from '../pages/oauth/browser-session';
import { HomeController } from './home/home.controller';
import { MembershipController } from './membership/membership.controller';
import { OwnershipController } from './ownership/ownership.controller';
import { WebApp } from './web-app';
import { WebAssetsController } from './web-assets.controller';

/**
 * The members' web app (ADR 0035): server-rendered pages at `/` for members and stewards —
 * home, ownership, governance, transparency, the stewards' console and settings. Controllers
 * take a WebApp context, call the feature libs' operations and render templates; no rules here.
 */
@Module({
  imports: [ContentModule, CoopModule],
  controllers: [WebAssetsController, HomeController, OwnershipController, MembershipController],
  providers: [WebApp, BrowserSessions],
})
export class WebModule {}
