import type { ConfigService } from '@guildhall/core';

/** The currency the cooperative keeps its books in (COOP_CURRENCY). Amounts are always integer cents. */
export function coopCurrency(config: ConfigService): string {
  return config.values.coopCurrency;
}
