/** The queue core owns: process-level maintenance, and the target of the queue health check. */
export const SYSTEM_QUEUE = 'system';
