/** Injection token of the root pino logger (for code that logs outside Nest's Logger). */
export const LOGGER = Symbol('LOGGER');
