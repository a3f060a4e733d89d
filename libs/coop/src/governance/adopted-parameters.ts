import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { DEFAULT_PARAMETERS, DEFAULT_VESTING_PERIODS } from '../bylaws';
import type { PeriodParameters } from '../engine/snapshot';
import type { GovernedParameters } from './bylaw-bounds';

/**
 * The parameters a period opening now gets: those of the latest adopted proposal, else the
 * bylaws' defaults. Read when a period opens (and frozen there), so an adoption never reaches
 * the period that is open when it is adopted.
 */
@Injectable()
export class AdoptedParameters {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async current(manager: EntityManager = this.dataSource.manager): Promise<GovernedParameters> {
    const [row]: { parameters: PeriodParameters; vesting_periods: number }[] = await manager.query(
      `SELECT parameters, vesting_periods FROM coop_proposals
        WHERE status = 'adopted' ORDER BY decided_at DESC, id DESC LIMIT 1`,
    );
    return row
      ? { parameters: row.parameters, vestingPeriods: row.vesting_periods }
      : { parameters: DEFAULT_PARAMETERS, vestingPeriods: DEFAULT_VESTING_PERIODS };
  }
}
