/** Monthly periods in UTC: ids `YYYY-MM`, or `YYYY-MM.N` after a close before the month ended. */

export function monthStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

export function nextMonthStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
}

export function monthId(at: Date): string {
  return `${at.getUTCFullYear()}-${String(at.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The id of the `existing + 1`-th period starting in `at`'s month. */
export function periodId(at: Date, existing: number): string {
  return existing === 0 ? monthId(at) : `${monthId(at)}.${existing + 1}`;
}
