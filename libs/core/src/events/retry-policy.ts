/** The longest wait between two attempts. */
export const MAX_RETRY_DELAY_MS = 3_600_000;

export interface RetryPolicy {
  maxAttempts: number;
  retryBaseMs: number;
}

/** What a failed attempt leads to: another try after `delayMs`, or the dead letter. */
export type AfterFailure = { state: 'pending'; delayMs: number } | { state: 'dead' };

/** The wait before the next try once `attempts` tries failed: base, 2×base, 4×base… capped at an hour. */
export function retryDelayMs(attempts: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), MAX_RETRY_DELAY_MS);
}

/** After the `attempts`-th failed try (1-based): parked once the policy's attempts are spent. */
export function afterFailure(attempts: number, policy: RetryPolicy): AfterFailure {
  if (attempts >= policy.maxAttempts) return { state: 'dead' };
  return { state: 'pending', delayMs: retryDelayMs(attempts, policy.retryBaseMs) };
}
