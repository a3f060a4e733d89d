import type { ConfigService } from '@guildhall/core';

/**
 * The currency the cooperative keeps its books in: `coopCurrency` once the configuration has it
 * (COOP_CURRENCY), euros until then. Amounts are always integer cents.
 */
export function coopCurrency(config: ConfigService): string {
  const values = config.values as unknown as { coopCurrency?: string };
  return values.coopCurrency ?? 'EUR';
}
