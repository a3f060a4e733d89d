import { ArgsType, Field, ID, Int } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsUUID, Min } from 'class-validator';
import { REMOTE_POLL_LIMITS } from '../poll.constants';

@ArgsType()
export class VotePollArgs {
  @Field(() => ID, { description: 'The post whose poll you vote in.' })
  @IsUUID('all', { message: 'postId must be a post id' })
  postId: string;

  @Field(() => [Int], { description: 'Option indexes, from 0; one unless the poll is multiple-choice.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(REMOTE_POLL_LIMITS.maxOptions)
  @IsInt({ each: true })
  @Min(0, { each: true })
  choices: number[];
}
