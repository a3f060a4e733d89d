import { Module } from '@nestjs/common';
import { CoopModule } from '@guildhall/coop';
import { ContentModule } from '@guildhall/content';
import { PagesController } from './pages.controller';
import { PagesService } from './pages.service';

/** HTML pages for browsers at the actor and post URLs (CONTRACT.md, Federation), and the coop's period pages. */
@Module({
  imports: [ContentModule, CoopModule],
  controllers: [PagesController],
  providers: [PagesService],
})
export class PagesModule {}
