import { Field, ObjectType } from '@nestjs/graphql';
import type { PeriodResult, PeriodSnapshot } from '../engine/snapshot';
import { JSONScalar } from './json.scalar';

@ObjectType('PeriodClose', { description: "A period's close: anyone can re-run the snapshot to get the result." })
export class PeriodCloseModel {
  @Field(() => JSONScalar, { description: 'guildhall.period-snapshot/1 (SPEC §3).' })
  snapshot: PeriodSnapshot;

  @Field(() => JSONScalar, { description: 'guildhall.period-result/1 (SPEC §6).' })
  result: PeriodResult;
}

@ObjectType('PeriodClosePreview', {
  description:
    'What closing the open period now would post, computed without writing anything. `closePeriod` with ' +
    'this `asOf` posts the same result (same hashes) when nothing was recorded in between.',
})
export class PeriodClosePreviewModel extends PeriodCloseModel {
  @Field({ description: 'The instant the preview ended the period at (valid for an hour).' })
  asOf: Date;
}
