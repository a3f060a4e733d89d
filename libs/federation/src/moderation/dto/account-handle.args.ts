import { ArgsType, Field } from '@nestjs/graphql';
import { IsString, MaxLength } from 'class-validator';

/** The account acted on: "alice" (local) or "alice@host" (remote, known here). */
@ArgsType()
export class AccountHandleArgs {
  @Field({ description: '"alice" or "alice@host".' })
  @IsString()
  @MaxLength(300)
  handle: string;
}
