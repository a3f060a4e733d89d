import { ArgsType, Field } from '@nestjs/graphql';
import { IsString, MaxLength } from 'class-validator';

@ArgsType()
export class DomainArgs {
  @Field({ description: 'A host name with a port if any, e.g. "spam.example" or "spam.example:8443".' })
  @IsString()
  @MaxLength(300)
  domain: string;
}
