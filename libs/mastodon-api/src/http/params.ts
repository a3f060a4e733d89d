/**
 * Mastodon clients send arrays as `name[]=a&name[]=b` (query strings and form bodies) or, in
 * JSON, as arrays: one reader for all of them.
 */
export function arrayParam(source: Record<string, unknown> | undefined, name: string): string[] {
  const value = source?.[`${name}[]`] ?? source?.[name];
  if (value === undefined || value === null || value === '') return [];
  const values = Array.isArray(value) ? value : [value];
  return values.filter((v): v is string | number => typeof v === 'string' || typeof v === 'number').map(String);
}

/** Mastodon's booleans: true, "true", "1", "on" (forms and query strings carry strings). */
export function booleanParam(value: unknown, fallback = false): boolean {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'boolean') return value;
  return typeof value === 'string' || typeof value === 'number'
    ? ['true', '1', 'on', 't', 'yes'].includes(String(value).toLowerCase())
    : fallback;
}

/** A string parameter, or undefined when absent (numbers are accepted as their text). */
export function stringParam(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/**
 * `application/x-www-form-urlencoded` as Rails reads it, for the routes Mastodon clients post
 * forms to: repeated keys and `name[]` collect into arrays; `name[key]` becomes a nested object
 * (`poll[options][]`, `fields_attributes[0][name]`).
 */
/** Keys that would reach an object's prototype. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function parseFormBody(body: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const keys = rawKey.includes('[') ? rawKey.replace(/\]$/, '').split(/\]?\[/) : [rawKey];
    if (keys.some((key) => UNSAFE_KEYS.has(key))) continue;
    assign(result, keys, value);
  }
  return result;
}

function assign(target: Record<string, unknown>, keys: string[], value: string): void {
  const [key, ...rest] = keys;
  if (rest.length === 0) {
    const existing = target[key];
    if (existing === undefined) target[key] = value;
    else target[key] = Array.isArray(existing) ? [...(existing as unknown[]), value] : [existing, value];
    return;
  }
  if (rest.length === 1 && rest[0] === '') {
    const existing = target[key];
    target[key] = Array.isArray(existing) ? [...(existing as unknown[]), value] : [value];
    return;
  }
  const child = target[key];
  const next = child && typeof child === 'object' && !Array.isArray(child) ? (child as Record<string, unknown>) : {};
  target[key] = next;
  assign(next, rest, value);
}
