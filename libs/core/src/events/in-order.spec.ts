import { deliverInOrder } from './in-order';

const d = (id: string, aggregate: string, leased = true) => ({ id, aggregate, leased });

describe('deliverInOrder', () => {
  it('runs every held delivery, in order', async () => {
    const ran: string[] = [];
    const outcome = await deliverInOrder([d('1', 'a'), d('2', 'b'), d('3', 'a')], (x) => {
      ran.push(x.id);
      return Promise.resolve();
    });
    expect(ran).toEqual(['1', '2', '3']);
    expect(outcome.done.map((x) => x.id)).toEqual(['1', '2', '3']);
    expect(outcome.failed).toEqual([]);
    expect(outcome.released).toEqual([]);
  });

  it('after a failure, runs nothing more of that aggregate (released for the relay), and goes on with others', async () => {
    const ran: string[] = [];
    const boom = new Error('db down');
    const outcome = await deliverInOrder([d('1', 'a'), d('2', 'a'), d('3', 'b'), d('4', 'a')], (x) => {
      ran.push(x.id);
      return x.id === '1' ? Promise.reject(boom) : Promise.resolve();
    });
    expect(ran).toEqual(['1', '3']);
    expect(outcome.done.map((x) => x.id)).toEqual(['3']);
    expect(outcome.failed).toEqual([{ delivery: d('1', 'a'), error: boom }]);
    expect(outcome.released.map((x) => x.id)).toEqual(['2', '4']);
  });

  it('behind a delivery it does not hold (an earlier event still pending elsewhere), runs nothing of that aggregate', async () => {
    const ran: string[] = [];
    const outcome = await deliverInOrder([d('1', 'a', false), d('2', 'b'), d('3', 'a')], (x) => {
      ran.push(x.id);
      return Promise.resolve();
    });
    expect(ran).toEqual(['2']);
    expect(outcome.done.map((x) => x.id)).toEqual(['2']);
    expect(outcome.released.map((x) => x.id)).toEqual(['3']);
  });

  it('gives runs of distinct aggregates to the batch handler, starting a new run where an aggregate repeats', async () => {
    const batches: string[][] = [];
    const outcome = await deliverInOrder(
      [d('1', 'a'), d('2', 'b'), d('3', 'c'), d('4', 'a'), d('5', 'd'), d('6', 'e', false), d('7', 'e')],
      () => Promise.reject(new Error('not one by one')),
      (batch) => {
        batches.push(batch.map((x) => x.id));
        return Promise.resolve();
      },
    );
    expect(batches).toEqual([
      ['1', '2', '3'],
      ['4', '5'],
    ]);
    expect(outcome.done.map((x) => x.id)).toEqual(['1', '2', '3', '4', '5']);
    expect(outcome.failed).toEqual([]);
    expect(outcome.released.map((x) => x.id)).toEqual(['7']);
  });

  it('when the batch handler throws, runs that batch one by one: only the failing delivery (and its aggregate) is held back', async () => {
    const ran: string[] = [];
    const boom = new Error('db down');
    const outcome = await deliverInOrder(
      [d('1', 'a'), d('2', 'b'), d('3', 'c'), d('4', 'b')],
      (x) => {
        ran.push(x.id);
        return x.id === '2' ? Promise.reject(boom) : Promise.resolve();
      },
      () => Promise.reject(new Error('one of the batch failed')),
    );
    expect(ran).toEqual(['1', '2', '3']);
    expect(outcome.done.map((x) => x.id)).toEqual(['1', '3']);
    expect(outcome.failed).toEqual([{ delivery: d('2', 'b'), error: boom }]);
    expect(outcome.released.map((x) => x.id)).toEqual(['4']);
  });

  it('runs a lone delivery on its own even with a batch handler', async () => {
    const ran: string[] = [];
    await deliverInOrder(
      [d('1', 'a'), d('2', 'a')],
      (x) => {
        ran.push(x.id);
        return Promise.resolve();
      },
      () => Promise.reject(new Error('not for one')),
    );
    expect(ran).toEqual(['1', '2']);
  });
});
