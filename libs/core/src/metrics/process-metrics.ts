import { collectDefaultMetrics, Registry } from 'prom-client';
import { PROCESS_METRIC_PREFIX } from './metric-names';

let registry: Registry | undefined;

/**
 * The process's own series (resident memory, heap, event-loop lag, GC, handles), made on first use
 * and shared by every app of the process: they describe the process, and each set of default
 * metrics starts its own event-loop monitor and GC observer, which nothing stops.
 */
export function processRegistry(): Registry {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: PROCESS_METRIC_PREFIX });
  }
  return registry;
}
