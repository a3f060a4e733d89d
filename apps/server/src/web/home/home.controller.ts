import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { CreatePostInput, PostService } from '@guildhall/content';
import { MembershipService, TransparencyService } from '@guildhall/coop';
import { Public } from '@guildhall/identity';
import { ConfigService } from '@guildhall/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { field } from '../../pages/oauth/oauth-page';
import { type FormBody, WebApp } from '../web-app';
import type { MemberContext } from '../web-context';
import { homeBody, landingBody } from './home.template';

const VISIBILITIES = new Set(['public', 'unlisted', 'followers']);

/** `/`: the landing page for visitors, the member's home when signed in; composing a post. */
@Controller()
export class HomeController {
  constructor(
    private readonly web: WebApp,
    private readonly config: ConfigService,
    private readonly memberships: MembershipService,
    private readonly transparency: TransparencyService,
    private readonly posts: PostService,
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
    const membership = await this.memberships.find(ctx.signedIn.account.id);
    return this.web.send(reply, ctx, {
      status,
      title: 'Home',
      section: 'home',
      body: homeBody(ctx, { membership, composeError, draft }),
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
      return this.web.redirect(reply, `/posts/${post.id}`, 'Published.');
    } catch (error) {
      const shown = this.web.refusal(error);
      if (!shown) throw error;
      return this.sendHome(reply, ctx, shown.status, shown.message, content);
    }
  }
}
