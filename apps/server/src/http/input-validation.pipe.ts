import { type ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { BoundedSet, remembersValid } from '@guildhall/core';

/** Argument objects remembered as valid, per class: a client repeats a few, with few values. */
const PASSED_PER_CLASS = 256;
/** Longer argument objects (as keys) are validated every time, not remembered. */
const PASSED_KEY_CHARS = 1_024;

/**
 * A key for an argument value that holds only JSON's kinds and `undefined` (GraphQL gives an
 * absent optional argument as a property set to undefined), written as JSON with `undefined` as a
 * bare word, so `{a: undefined}` and `{}` differ as they do to the checks; null for anything else
 * (a Date, a Buffer, an upload, a class instance).
 */
function argumentKey(value: unknown): string | null {
  if (value === undefined) return 'undefined';
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return Number.isFinite(value) ? (Object.is(value, -0) ? '-0' : String(value)) : null;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value !== 'object') return null;
  const parts: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) {
      const key = argumentKey(item);
      if (key === null) return null;
      parts.push(key);
    }
    return `[${parts.join(',')}]`;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return null;
  for (const [name, field] of Object.entries(value)) {
    const key = argumentKey(field);
    if (key === null) return null;
    parts.push(`${JSON.stringify(name)}:${key}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * The global ValidationPipe, remembering what passed (ADR 0068): an argument object of a class
 * marked RememberValid (ConnectionArgs and its subclasses) that passed once passes again. Its
 * checks are its decorators over the value alone, so the same value of the same class is built
 * into its instance without being checked again: checking a HOME page's `(kind: HOME, first: 20)`
 * was 2–4% of the request's CPU. Only values that passed are remembered, as keys of at most 1,024
 * characters, 256 per class; a refused one is checked (and refused) every time. Every other input
 * is checked as before.
 */
export class InputValidationPipe extends ValidationPipe {
  private readonly passed = new Map<unknown, BoundedSet<string>>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const metatype = metadata.metatype;
    const key = this.isTransformEnabled && remembersValid(metatype) ? argumentKey(value) : null;
    if (key === null || !key.startsWith('{') || key.length > PASSED_KEY_CHARS) return super.transform(value, metadata);
    let known = this.passed.get(metatype);
    if (known?.has(key)) return plainToInstance(metatype!, value, this.transformOptions);
    const result: unknown = await super.transform(value, metadata);
    if (!known) this.passed.set(metatype, (known = new BoundedSet(PASSED_PER_CLASS)));
    known.add(key);
    return result;
  }
}
