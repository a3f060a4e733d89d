const REMEMBER_VALID = Symbol('guildhall:rememberValid');

/**
 * Marks an input class whose valid values the global pipe may remember (ADR 0068): its checks
 * are its class-validator decorators over the value alone (no custom or async constraint that
 * reads anything else), so the same value always gets the same verdict; and its values hold no
 * secret worth keeping out of memory (never a password or a token). Subclasses inherit the mark.
 * For hot arguments a client sends over and over, such as a timeline's `first` and `kind`.
 */
export function RememberValid(): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(REMEMBER_VALID, true, target);
  };
}

/** Whether `metatype` (or a class it extends) is marked RememberValid. */
export function remembersValid(metatype: unknown): boolean {
  return typeof metatype === 'function' && Reflect.getMetadata(REMEMBER_VALID, metatype) === true;
}
