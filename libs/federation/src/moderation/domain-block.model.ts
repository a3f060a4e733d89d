import { Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum DomainPurgeStatusValue {
  PENDING = 'PENDING',
  RUNNING = 'RUNNING',
  DONE = 'DONE',
  FAILED = 'FAILED',
}

registerEnumType(DomainPurgeStatusValue, {
  name: 'DomainPurgeStatus',
  valuesMap: {
    PENDING: { description: 'Waiting for the worker.' },
    RUNNING: { description: 'Removing accounts, a batch at a time.' },
    DONE: { description: 'Nothing from the domain is left.' },
    FAILED: { description: 'Every attempt failed; blocking the domain again retries.' },
  },
});

@ObjectType('DomainPurge', {
  description: "The background removal of a blocked server's accounts and everything of theirs.",
})
export class DomainPurgeModel {
  @Field(() => DomainPurgeStatusValue)
  status: DomainPurgeStatusValue;

  @Field(() => Int, { description: 'Accounts removed so far (every purge of this block).' })
  accountsPurged: number;

  @Field(() => Int, { description: 'Posts of theirs removed so far.' })
  postsPurged: number;

  @Field(() => Date, { nullable: true, description: 'When the current purge removed its first batch.' })
  startedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the current purge finished (or gave up).' })
  finishedAt: Date | null;
}

@ObjectType('DomainBlock', {
  description:
    'A server (and its subdomains) this one refuses: its requests are answered 403 and nothing is fetched ' +
    'from or delivered to it from the moment of the block; what was stored from it is removed in the background.',
})
export class DomainBlockModel {
  @Field({ description: 'host or host:port, lower-case.' })
  domain: string;

  @Field(() => String, { nullable: true })
  reason: string | null;

  @Field()
  createdAt: Date;

  @Field(() => DomainPurgeModel)
  purge: DomainPurgeModel;

  /** The moderator's account, for `createdBy`. Not a GraphQL field. */
  createdById: string | null;
}

@ObjectType('DomainBlockPreview', {
  description: 'What blocking a domain would do now, to read before blocking it.',
})
export class DomainBlockPreviewModel {
  @Field({ description: 'The domain as the block would store it (host or host:port, lower-case).' })
  domain: string;

  @Field(() => Int, { description: 'Accounts stored from it (and its subdomains) that the purge would remove.' })
  accounts: number;

  @Field(() => Int, { description: 'Their posts stored here, which the purge would remove with them.' })
  posts: number;

  @Field({ description: 'Whether it is blocked already (blocking again purges again).' })
  blocked: boolean;
}
