import { Field, ID, ObjectType } from '@nestjs/graphql';
import { ConnectionType } from '@guildhall/core';

@ObjectType('PublishedPeriod', {
  description:
    'A closed period as published: anyone can re-run `snapshot` with `guildhall coop replay` and get `result`.',
})
export class PublishedPeriodModel {
  @Field(() => ID, { description: 'e.g. 2026-11' })
  id: string;

  @Field()
  start: Date;

  @Field()
  end: Date;

  @Field()
  closedAt: Date;

  @Field({ description: 'SHA-256 of the canonical JSON of the snapshot (RFC 8785).' })
  inputHash: string;

  @Field({ description: 'SHA-256 of the canonical JSON of the result.' })
  outputHash: string;

  /** The cursor (period seq). Not a GraphQL field. */
  seq: number;
}

export const PublishedPeriodConnection = ConnectionType(PublishedPeriodModel, 'PublishedPeriod');
