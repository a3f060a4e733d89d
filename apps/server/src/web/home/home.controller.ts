import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { CreatePostInput, PostService, TimelineRepository } from '@guildhall/content';
import { MembershipService, TransparencyService } from '@guildhall/coop';
import { Public } from '@guildhall/identity';
import { ConfigService } from '@guildhall/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { field } from '../../pages/oauth/oauth-page';
import { type FormBody, WebApp } from '../web-app';
import type { MemberContext } from '../web-context';
import { homeBody, landingBody } from './home.template';

const VISIBILITIES = new Set(['public', 'unlisted', 'followers']);
const RECENT_POSTS = 5;

/** `/`: the landing page for visitors, the member's home when signed in; composing a post. */
@Controller()
export class HomeController {
  constructor(
    private readonly web: WebApp,
    private readonly config: ConfigService,
    private readonly memberships: MembershipService,
    private readonly transparency: TransparencyService,
    private readonly posts: PostService,
    private readonly timelines: TimelineRepository,
  ) {}

  @Public()
  @Get()
  async home(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const ctx = await this.web.context(request, reply);
    if (!this.web.isMember(ctx)) {
      const counts = await this.transparency.publicCounts();
      const body = landingBody(ctx, { description: this.config.values.instance.description, ...counts });
      return this.web.send(reply, ctx, { title: 'Welcome', section: 'home', body });
    }
    return this.sendHome(reply, ctx);
  }

  private async sendHome(
    reply: FastifyReply,
    ctx: MemberContext,
    status = 200,
    composeError?: string,
    draft?: string,
  ): Promise<FastifyReply> {
    const accountId = ctx.signedIn.account.id;
    const [membership, recent] = await Promise.all([
      this.memberships.find(accountId),
      // The member's own latest posts (limit + 1 rows come back: one more than shown).
      this.timelines.account({ viewerId: accountId, afterId: null, limit: RECENT_POSTS }, accountId, {
        excludeReblogs: true,
      }),
    ]);
    return this.web.send(reply, ctx, {
      status,
      title: 'Home',
      section: 'home',
      body: homeBody(ctx, { membership, recent: recent.slice(0, RECENT_POSTS), composeError, draft }),
    });
  }

  /** The compose form: content's own create, with GraphQL's input rules. */
  @Public()
  @Post('posts')
  async compose(
    @Body() body: FormBody,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<FastifyReply> {
    const ctx = await this.web.context(request, reply);
    if (!this.web.isMember(ctx)) return this.web.signInFirst(reply, ctx);
    if (!this.web.acceptsForm(request, ctx, body)) return this.web.formExpired(reply, ctx);
    const content = field(body, 'content');
    const visibility = field(body, 'visibility') || 'public';
    if (!VISIBILITIES.has(visibility)) return this.sendHome(reply, ctx, 422, 'Choose who can see the post.', content);
    const input = plainToInstance(CreatePostInput, { content, visibility });
    const [invalid] = await validate(input);
    if (invalid) {
      const message = content.trim() ? Object.values(invalid.constraints ?? {})[0] : 'Write something first.';
      return this.sendHome(reply, ctx, 422, message ?? 'The post is not valid.', content);
    }
    try {
      const post = await this.posts.create({ accountId: ctx.signedIn.account.id }, input);
      // Back to the app (the post's own page is the public, nav-less view others see).
      return this.web.redirect(reply, '/', `Published: ${this.config.values.publicOrigin}/posts/${post.id}`);
    } catch (error) {
      const shown = this.web.refusal(error);
      if (!shown) throw error;
      return this.sendHome(reply, ctx, shown.status, shown.message, content);
    }
  }
}
