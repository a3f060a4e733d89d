import { BYLAW_BOUNDS, type GovernedParameters, type ParameterChanges } from '@guildhall/coop';
import type { Formatter } from '../format';

const BPS = 10_000;

/** One governed parameter as the pages show it: its form name, label, value and bylaw bounds. */
export interface ParameterField {
  /** The form field's name (`pool_CREATOR` for a pool). */
  name: string;
  label: string;
  /** The field the lib's refusals name (`pools.CREATOR`, `cashBps`, …). */
  libField: string;
  kind: 'bps' | 'count' | 'hosts';
  value: (g: GovernedParameters) => number | readonly string[] | undefined;
  bounds: (fmt: Formatter) => string;
  min?: number;
  max?: number;
}

const pct = (fmt: Formatter, bps: number) => fmt.percent(bps / BPS, 2);

/** The fields of `base` a proposal may change, in the order the pages list them. */
export function parameterFields(base: GovernedParameters): ParameterField[] {
  const pools = Object.keys(base.parameters.pools).sort();
  return [
    {
      name: 'cashBps',
      libField: 'cashBps',
      label: 'Cash part of each allocation (basis points)',
      kind: 'bps',
      value: (g) => g.parameters.cashBps,
      min: BYLAW_BOUNDS.minCashBps,
      max: BPS,
      bounds: (fmt) =>
        `Bylaws: ${fmt.integer(BYLAW_BOUNDS.minCashBps)} to ${fmt.integer(BPS)} (${pct(fmt, BYLAW_BOUNDS.minCashBps)} to ${pct(fmt, BPS)}).`,
    },
    {
      name: 'reserveBps',
      libField: 'reserveBps',
      label: 'Indivisible reserve (basis points of a surplus)',
      kind: 'bps',
      value: (g) => g.parameters.reserveBps,
      min: BYLAW_BOUNDS.minReserveBps,
      max: BPS,
      bounds: (fmt) =>
        `Bylaws: at least ${fmt.integer(BYLAW_BOUNDS.minReserveBps)} (${pct(fmt, BYLAW_BOUNDS.minReserveBps)}); reserve + commons at most ${fmt.integer(BPS)}.`,
    },
    {
      name: 'commonsBps',
      libField: 'commonsBps',
      label: 'Commons fund (basis points of a surplus)',
      kind: 'bps',
      value: (g) => g.parameters.commonsBps,
      min: 0,
      max: BPS,
      bounds: (fmt) => `Bylaws: 0 to ${fmt.integer(BPS)}; reserve + commons at most ${fmt.integer(BPS)}.`,
    },
    ...pools.map((pool): ParameterField => ({
      name: `pool_${pool}`,
      libField: `pools.${pool}`,
      label: `${pool} pool share (basis points of patronage)`,
      kind: 'bps',
      value: (g) => g.parameters.pools[pool],
      min: 0,
      max: pool === 'EQUITY' ? BYLAW_BOUNDS.maxEquityBps : BPS,
      bounds: (fmt) =>
        pool === 'EQUITY'
          ? `Bylaws: at most ${fmt.integer(BYLAW_BOUNDS.maxEquityBps)} (${pct(fmt, BYLAW_BOUNDS.maxEquityBps)}); all pools sum to ${fmt.integer(BPS)}.`
          : `Bylaws: 0 to ${fmt.integer(BPS)}; all pools sum to ${fmt.integer(BPS)}.`,
    })),
    {
      name: 'unitBudget',
      libField: 'unitBudget',
      label: 'Equity units issued per period',
      kind: 'count',
      value: (g) => g.parameters.unitBudget,
      min: 0,
      max: BYLAW_BOUNDS.maxUnitBudget,
      bounds: (fmt) => `Bylaws: 0 to ${fmt.integer(BYLAW_BOUNDS.maxUnitBudget)}.`,
    },
    {
      name: 'minMemberAgeDays',
      libField: 'minMemberAgeDays',
      label: 'Days a member must have been a member to earn (minimum membership age)',
      kind: 'count',
      value: (g) => g.parameters.minMemberAgeDays,
      min: 0,
      max: BYLAW_BOUNDS.maxMinMemberAgeDays,
      bounds: (fmt) => `Bylaws: 0 to ${fmt.integer(BYLAW_BOUNDS.maxMinMemberAgeDays)} days.`,
    },
    {
      name: 'vestingPeriods',
      libField: 'vestingPeriods',
      label: 'Periods until issued units vest',
      kind: 'count',
      value: (g) => g.vestingPeriods,
      min: BYLAW_BOUNDS.minVestingPeriods,
      max: BYLAW_BOUNDS.maxVestingPeriods,
      bounds: (fmt) =>
        `Bylaws: ${fmt.integer(BYLAW_BOUNDS.minVestingPeriods)} to ${fmt.integer(BYLAW_BOUNDS.maxVestingPeriods)} periods.`,
    },
    {
      name: 'federatedInstances',
      libField: 'federatedInstances',
      label: 'Federated servers whose engagement counts (host names, comma-separated)',
      kind: 'hosts',
      value: (g) => g.parameters.federatedInstances ?? [],
      bounds: (fmt) =>
        `Bylaws: at most ${fmt.integer(BYLAW_BOUNDS.maxFederatedInstances)} lowercase host names, each once.`,
    },
  ];
}

/** A field's value in words for the diff (basis points also as a percentage). */
export function shownValue(
  fmt: Formatter,
  field: ParameterField,
  value: number | readonly string[] | undefined,
): string {
  if (value === undefined) return '—';
  if (typeof value !== 'number') return value.length ? value.join(', ') : 'none';
  if (field.kind === 'bps') return `${fmt.integer(value)} (${pct(fmt, value)})`;
  return fmt.integer(value);
}

export interface DiffRow {
  field: ParameterField;
  old: number | readonly string[] | undefined;
  new: number | readonly string[] | undefined;
}

/**
 * The fields `changes` sets, with the value in `base` and the proposed one: those that differ
 * from `base` (an open proposal), or every field it sets (a decided one, whose values `base`
 * may already hold).
 */
export function diffRows(
  base: GovernedParameters,
  changes: ParameterChanges,
  rows: 'differ' | 'set' = 'differ',
): DiffRow[] {
  const proposed: GovernedParameters = {
    parameters: {
      ...base.parameters,
      ...Object.fromEntries(Object.entries(changes).filter(([k, v]) => k !== 'vestingPeriods' && v !== undefined)),
    },
    vestingPeriods: changes.vestingPeriods ?? base.vestingPeriods,
  };
  // Pools are replaced whole: a pool only one side has is a row too.
  const poolNames = new Set([...Object.keys(base.parameters.pools), ...Object.keys(proposed.parameters.pools)]);
  const fields = parameterFields({
    ...base,
    parameters: { ...base.parameters, pools: Object.fromEntries([...poolNames].map((p) => [p, 0])) },
  });
  return fields
    .map((field) => ({ field, old: field.value(base), new: field.value(proposed) }))
    .filter((row) =>
      rows === 'set'
        ? Object.hasOwn(changes, row.field.libField.startsWith('pools.') ? 'pools' : row.field.libField)
        : JSON.stringify(row.old) !== JSON.stringify(row.new),
    );
}
