import type { ComplexityEstimator } from '@nestjs/graphql';
import { getNullableType, isListType } from 'graphql';
import { MAX_PAGE_SIZE } from '../pagination/cursor';

/**
 * How many items a list field may return. A page returns at most its `first` (an explicit null
 * is charged as the largest page); a list without a declared bound is charged as a full page.
 */
function itemsOf(field: Parameters<ComplexityEstimator>[0]['field'], args: Record<string, unknown>): number {
  if (field.args.some((arg) => arg.name === 'first')) {
    return typeof args.first === 'number' && args.first >= 0 ? args.first : MAX_PAGE_SIZE;
  }
  return isListType(getNullableType(field.type)) ? MAX_PAGE_SIZE : 1;
}

/**
 * The one estimator: a field costs its own price (its `complexity` when a number, else 1) plus
 * what its selection costs times the items it can return, so nested pages multiply. A field that
 * declares an estimator function (`listComplexity`, `perItemComplexity`) is priced by it.
 * Introspection fields cost 1 each without multiplying: the schema is small and fixed, and the
 * field limit already bounds such a document.
 */
export const fieldCost: ComplexityEstimator = (options) => {
  const { field, args, childComplexity, type } = options;
  const declared: unknown = field.extensions?.complexity;
  if (typeof declared === 'function') return (declared as ComplexityEstimator)(options);
  const own = typeof declared === 'number' ? declared : 1;
  if (type.name.startsWith('__')) return own + childComplexity;
  return own + itemsOf(field, args) * childComplexity;
};

/** A list that never holds more than `maxItems` (media of a post, fields of a profile, …). */
export function listComplexity(maxItems: number): ComplexityEstimator {
  return ({ childComplexity }) => 1 + maxItems * childComplexity;
}

/** `edges` of a connection: the connection field already multiplies by its `first`. */
export const perItemComplexity: ComplexityEstimator = ({ childComplexity }) => childComplexity;
