import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConversationMarkEntity } from './conversation-mark.entity';
import { ConversationRepository } from './conversation.repository';
import { ConversationService } from './conversation.service';

/** Direct-message conversations and each participant's read and hidden marks. */
@Module({
  imports: [TypeOrmModule.forFeature([ConversationMarkEntity])],
  providers: [ConversationRepository, ConversationService],
  exports: [ConversationService],
})
export class ConversationsModule {}
