import { type Dispatcher, getGlobalDispatcher } from 'undici';

/**
 * One deadline for the POSTs of a delivery job, which start together: when it passes, those still
 * running are aborted. One timer per job instead of an AbortSignal (a timer and a listener) per
 * inbox. Requests not yet connected are bounded by the dispatcher's connect timeout.
 */
export class Deadline {
  private readonly running = new Set<Dispatcher.DispatchController>();
  private readonly timer: NodeJS.Timeout;
  private expired: Error | null = null;

  constructor(readonly ms: number) {
    this.timer = setTimeout(() => {
      this.expired = new Error(`no answer within ${ms} ms`);
      for (const controller of this.running) controller.abort(this.expired);
      this.running.clear();
    }, ms);
    this.timer.unref();
  }

  started(controller: Dispatcher.DispatchController): void {
    if (this.expired) controller.abort(this.expired);
    else this.running.add(controller);
  }

  ended(controller: Dispatcher.DispatchController | undefined): void {
    if (controller) this.running.delete(controller);
  }

  /** The job is over: nothing left to abort. */
  clear(): void {
    clearTimeout(this.timer);
    this.running.clear();
  }
}

/**
 * POSTs `body` to `origin` + `path` through the global dispatcher (the process's outbound policy:
 * timeouts, connect-time address checks) and resolves with the status once the response is over;
 * its body is read and dropped. The dispatcher's own handler API, not request(): no response
 * stream and no async resource per delivery (bench:fanout).
 */
export function postToInbox(
  options: { origin: string; path: string; headers: Record<string, string>; body: Buffer },
  deadline: Deadline,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let status = 0;
    let current: Dispatcher.DispatchController | undefined;
    getGlobalDispatcher().dispatch(
      { origin: options.origin, path: options.path, method: 'POST', headers: options.headers, body: options.body },
      {
        onRequestStart(controller) {
          current = controller;
          deadline.started(controller);
        },
        onResponseStart(_controller, statusCode) {
          status = statusCode;
        },
        onResponseData() {
          // dropped
        },
        onResponseEnd() {
          deadline.ended(current);
          resolve(status);
        },
        onResponseError(_controller, error) {
          deadline.ended(current);
          reject(error);
        },
      },
    );
  });
}
