import type { ComplexityEstimator } from '@nestjs/graphql';
import { DEFAULT_PAGE_SIZE } from '@guildhall/core';

/** A page costs `first` times what one of its items costs (read by the complexity plugin). */
export const pageComplexity: ComplexityEstimator = ({ args, childComplexity }) => {
  const first = (args as { first?: unknown }).first;
  return 1 + (typeof first === 'number' ? first : DEFAULT_PAGE_SIZE) * childComplexity;
};
