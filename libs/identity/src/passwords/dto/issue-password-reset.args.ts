import { ArgsType, Field } from '@nestjs/graphql';
import { IsString, MaxLength } from 'class-validator';

@ArgsType()
export class IssuePasswordResetArgs {
  @Field({ description: 'The local account: "alice".' })
  @IsString()
  @MaxLength(300)
  handle: string;
}
