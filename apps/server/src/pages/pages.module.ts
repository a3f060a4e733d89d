import { Module } from '@nestjs/common';
import { ContentModule } from '@guildhall/content';
import { PagesController } from './pages.controller';
import { PagesService } from './pages.service';

/** HTML pages for browsers at the actor and post URLs (CONTRACT.md, Federation). */
@Module({
  imports: [ContentModule],
  controllers: [PagesController],
  providers: [PagesService],
})
export class PagesModule {}
