import { Module } from '@nestjs/common';
import { OutboundHttp } from './outbound-http';

/**
 * The process's one outbound HTTP client (ADR 0018) as a module of its own, so every lib that
 * must reach the network (federation, Web Push) shares the one instance and its dispatcher.
 */
@Module({ providers: [OutboundHttp], exports: [OutboundHttp] })
export class OutboundHttpModule {}
