/** Runs at most `slots` tasks at once; the others wait for a free slot, first come first served. */
export class ConcurrencyGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly slots: number) {
    if (!Number.isInteger(slots) || slots < 1) throw new Error('a gate needs at least one slot');
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.slots) this.active += 1;
    // A finishing task hands its slot straight to the next waiting one.
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}
