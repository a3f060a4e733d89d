import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('PollOption')
export class PollOptionModel {
  @Field()
  title: string;

  @Field(() => Int, { nullable: true, description: 'Null while the totals are hidden (until the poll ends).' })
  votesCount: number | null;
}

@ObjectType('Poll', { description: "A post's poll, as you see it." })
export class PollModel {
  @Field(() => ID)
  id: string;

  @Field(() => Date, { nullable: true, description: 'When voting ends (null: never, remote polls only).' })
  expiresAt: Date | null;

  @Field()
  expired: boolean;

  @Field({ description: 'Several options may be chosen.' })
  multiple: boolean;

  @Field({ description: 'Tallies are hidden until the poll ends.' })
  hideTotals: boolean;

  @Field(() => Int, { description: 'Votes cast (a multiple-choice voter casts several).' })
  votesCount: number;

  @Field(() => Int, { nullable: true, description: 'Accounts that voted (null when a remote server does not say).' })
  votersCount: number | null;

  @Field(() => [PollOptionModel])
  options: PollOptionModel[];

  @Field(() => Boolean, { nullable: true, description: 'Whether you voted (null when signed out).' })
  voted: boolean | null;

  @Field(() => [Int], { nullable: true, description: 'The option indexes you chose (null when signed out).' })
  ownVotes: number[] | null;
}
