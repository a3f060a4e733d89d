import { ArgsType, Field, ID } from '@nestjs/graphql';
import { IsEnum, IsUUID } from 'class-validator';
import { ReportAction } from '../report.model';

@ArgsType()
export class ResolveReportArgs {
  @Field(() => ID)
  @IsUUID('all', { message: 'id must be a report id' })
  id: string;

  @Field(() => ReportAction)
  @IsEnum(ReportAction)
  action: ReportAction;
}
