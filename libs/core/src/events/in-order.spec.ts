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
});
