import { Controller, Get, Res } from '@nestjs/common';
import { Public } from '@guildhall/identity';
import type { FastifyReply } from 'fastify';
import { WEB_CSS } from './web.css';
import { WEB_CSS_PATH } from './web-layout.template';

/** The web app's static assets: one stylesheet (the CSP allows no inline style). */
@Controller()
export class WebAssetsController {
  @Public()
  @Get(WEB_CSS_PATH.slice(1))
  stylesheet(@Res() reply: FastifyReply): FastifyReply {
    return reply
      .headers({
        'content-type': 'text/css; charset=utf-8',
        'cache-control': 'public, max-age=3600',
        'x-content-type-options': 'nosniff',
      })
      .send(WEB_CSS);
  }
}
