import type { Dispatcher } from 'undici';

/** One POST under watch: when it was sent, and its controller once undici started it. */
interface Watched {
  at: number;
  controller: Dispatcher.DispatchController | null;
  expired: boolean;
}

/**
 * The timeout of a delivery job's POSTs: each is aborted once it has run `ms` (checked every
 * second at most, so within `ms` + 1 s), counted from when it was sent, not from the job's start
 * (signatures may have queued). One timer per job instead of an AbortSignal (a timer and a
 * listener) per inbox. A POST still connecting is also bounded by the dispatcher's connect timeout.
 */
export class RequestTimeouts {
  private readonly running = new Set<Watched>();
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly ms: number) {}

  /** A POST is being sent. */
  watch(): Watched {
    const watched: Watched = { at: performance.now(), controller: null, expired: false };
    this.running.add(watched);
    if (!this.timer) {
      this.timer = setInterval(() => this.sweep(), Math.min(1_000, this.ms));
      this.timer.unref();
    }
    return watched;
  }

  started(watched: Watched, controller: Dispatcher.DispatchController): void {
    watched.controller = controller;
    if (watched.expired) controller.abort(this.error());
  }

  ended(watched: Watched): void {
    this.running.delete(watched);
  }

  /** The job is over: nothing left to watch. */
  clear(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.running.clear();
  }

  private sweep(): void {
    const now = performance.now();
    for (const watched of this.running) {
      if (now - watched.at < this.ms) continue;
      watched.expired = true;
      this.running.delete(watched);
      watched.controller?.abort(this.error());
    }
  }

  private error(): Error {
    return new Error(`no answer within ${this.ms} ms`);
  }
}

/**
 * POSTs `body` to `origin` + `path` through `dispatcher` (OutboundHttp's: timeouts, connect-time
 * address checks of IP literals and DNS answers) and resolves with the status once the response is over;
 * its body is read and dropped. The dispatcher's own handler API, not request(): no response
 * stream and no async resource per delivery (bench:fanout).
 */
export function postToInbox(
  options: { origin: string; path: string; headers: Record<string, string>; body: Buffer },
  timeouts: RequestTimeouts,
  dispatcher: Dispatcher,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let status = 0;
    const watched = timeouts.watch();
    dispatcher.dispatch(
      { origin: options.origin, path: options.path, method: 'POST', headers: options.headers, body: options.body },
      {
        onRequestStart(controller) {
          timeouts.started(watched, controller);
        },
        onResponseStart(_controller, statusCode) {
          status = statusCode;
        },
        onResponseData() {
          // dropped
        },
        onResponseEnd() {
          timeouts.ended(watched);
          resolve(status);
        },
        onResponseError(_controller, error) {
          timeouts.ended(watched);
          reject(error);
        },
      },
    );
  });
}
