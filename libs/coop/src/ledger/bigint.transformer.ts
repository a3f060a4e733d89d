import type { ValueTransformer } from 'typeorm';

/**
 * bigint columns hold cents and units; node-postgres reads them as strings. Every amount the
 * engine handles is a safe integer (it refuses others), so Number is exact here.
 */
export const BIGINT: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
