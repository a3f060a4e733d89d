import { ConcurrencyGate } from './concurrency-gate';

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('ConcurrencyGate', () => {
  it('runs at most `slots` tasks at once, the rest in arrival order, and passes results and errors through', async () => {
    const gate = new ConcurrencyGate(2);
    const started: number[] = [];
    const tasks = [0, 1, 2, 3].map(() => deferred());
    const runs = tasks.map((task, i) =>
      gate.run(async () => {
        started.push(i);
        await task.promise;
        return i * 10;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    tasks[1].reject(new Error('boom'));
    await expect(runs[1]).rejects.toThrow('boom');
    await tick();
    expect(started).toEqual([0, 1, 2]);
    tasks[0].resolve();
    expect(await runs[0]).toBe(0);
    await tick();
    expect(started).toEqual([0, 1, 2, 3]);
    tasks[2].resolve();
    tasks[3].resolve();
    expect(await Promise.all([runs[2], runs[3]])).toEqual([20, 30]);

    // All slots are free again: two new tasks start at once.
    const more = [deferred(), deferred()];
    const again = more.map((task, i) =>
      gate.run(async () => {
        started.push(4 + i);
        await task.promise;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    more.forEach((task) => task.resolve());
    await Promise.all(again);
  });

  it('refuses a gate without slots', () => {
    expect(() => new ConcurrencyGate(0)).toThrow('at least one slot');
  });
});
