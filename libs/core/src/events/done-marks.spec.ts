import { DoneMarks } from './done-marks';
import type { DeliveryKey } from './outbox.repository';

const key = (eventId: string): DeliveryKey => ({ eventId, subscriber: 'social.notifications' });

/** A writer that records each batch and finishes it only when told. */
function recorder() {
  const batches: string[][] = [];
  const finish: ((error?: Error) => void)[] = [];
  const write = (keys: DeliveryKey[]) =>
    new Promise<void>((resolve, reject) => {
      batches.push(keys.map((k) => k.eventId));
      finish.push((error) => (error ? reject(error) : resolve()));
    });
  return { batches, finish, write };
}

describe('DoneMarks', () => {
  it('writes the marks of one event-loop turn together, and those queued behind a write in the next one', async () => {
    const { batches, finish, write } = recorder();
    const marks = new DoneMarks(write);
    const first = [marks.add([key('1')]), marks.add([key('2'), key('3')])];
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([['1', '2', '3']]);

    const second = [marks.add([key('4')]), marks.add([key('5')])];
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([['1', '2', '3']]);
    finish[0]();
    await Promise.all(first);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([
      ['1', '2', '3'],
      ['4', '5'],
    ]);
    finish[1]();
    await Promise.all(second);
  });

  it("rejects a failed write's marks only, and flush waits for what is queued and in flight", async () => {
    const { batches, finish, write } = recorder();
    const marks = new DoneMarks(write);
    const failed = marks.add([key('1')]);
    await new Promise((resolve) => setImmediate(resolve));
    const queued = marks.add([key('2')]);
    let flushed = false;
    const flushing = marks.flush().then(() => (flushed = true));
    finish[0](new Error('connection lost'));
    await expect(failed).rejects.toThrow('connection lost');
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([['1'], ['2']]);
    expect(flushed).toBe(false);
    finish[1]();
    await flushing;
    await expect(queued).resolves.toBeUndefined();
    expect(flushed).toBe(true);
  });
});
