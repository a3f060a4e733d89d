import { afterFailure, MAX_RETRY_DELAY_MS, retryDelayMs } from './retry-policy';

describe('retry policy', () => {
  it('doubles the wait after each failed try, from the base, capped at an hour', () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, 1_000))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    expect(retryDelayMs(13, 1_000)).toBe(3_600_000);
    expect(retryDelayMs(40, 1_000)).toBe(MAX_RETRY_DELAY_MS);
  });

  it('retries until the attempts are spent, then parks the delivery as dead', () => {
    const policy = { maxAttempts: 3, retryBaseMs: 50 };
    expect(afterFailure(1, policy)).toEqual({ state: 'pending', delayMs: 50 });
    expect(afterFailure(2, policy)).toEqual({ state: 'pending', delayMs: 100 });
    expect(afterFailure(3, policy)).toEqual({ state: 'dead' });
    expect(afterFailure(1, { maxAttempts: 1, retryBaseMs: 50 })).toEqual({ state: 'dead' });
  });
});
