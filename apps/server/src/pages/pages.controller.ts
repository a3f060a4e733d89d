import { Controller, Get, Headers, NotFoundException, Param, Res } from '@nestjs/common';
import { type AuthContext, CurrentAuth, Public } from '@guildhall/identity';
import type { FastifyReply } from 'fastify';
import { type Page, sendPage } from './page';
import { PagesService } from './pages.service';

/** A client that would take HTML: a browser, curl (`*\/*`), or one that sends no Accept. */
function acceptsHtml(accept: string | undefined): boolean {
  return !accept || /text\/html|application\/xhtml\+xml|text\/\*|\*\/\*/i.test(accept);
}

/**
 * Browsers' view of actors and posts. Fedify answers these URLs first for ActivityPub clients;
 * what reaches Nest is a browser, or an ActivityPub request Fedify declined (an unknown actor),
 * which keeps its plain JSON 404.
 */
@Controller()
export class PagesController {
  constructor(private readonly pages: PagesService) {}

  private async send(reply: FastifyReply, accept: string | undefined, page: () => Promise<Page>): Promise<void> {
    if (!acceptsHtml(accept)) throw new NotFoundException();
    await sendPage(reply, await page());
  }

  /** The reader: the bearer token's account (the guard refuses a bad token), or anonymous. */
  private static reader(auth: AuthContext | undefined): string | null {
    return auth?.accountId ?? null;
  }

  /** The profile's `url` (/@alice) and, for browsers, its actor id (/users/alice). */
  @Public()
  @Get(['@:username', 'users/:username'])
  profile(
    @Param('username') username: string,
    @Headers('accept') accept: string | undefined,
    @CurrentAuth() auth: AuthContext | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.send(reply, accept, () => this.pages.profile(username, PagesController.reader(auth)));
  }

  @Public()
  @Get('posts/:id')
  post(
    @Param('id') id: string,
    @Headers('accept') accept: string | undefined,
    @CurrentAuth() auth: AuthContext | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.send(reply, accept, () => this.pages.post(id, PagesController.reader(auth)));
  }

  /** A closed period's transparency page (charts as inline SVG). */
  @Public()
  @Get('coop/periods/:id')
  period(
    @Param('id') id: string,
    @Headers('accept') accept: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.send(reply, accept, () => this.pages.period(id));
  }
}
