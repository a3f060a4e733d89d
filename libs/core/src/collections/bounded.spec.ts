import { BoundedMap, BoundedSet } from './bounded';

describe('BoundedMap', () => {
  it('forgets the oldest entry when a new key arrives at the limit', () => {
    const map = new BoundedMap<string, number>(3);
    for (const [i, key] of ['a', 'b', 'c', 'd'].entries()) map.set(key, i);
    expect([...map]).toEqual([
      ['b', 1],
      ['c', 2],
      ['d', 3],
    ]);
    map.set('e', 4);
    expect([...map.keys()]).toEqual(['c', 'd', 'e']);
  });

  it('updates a held key in place, forgetting nothing', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2).set('a', 10);
    expect([...map]).toEqual([
      ['a', 10],
      ['b', 2],
    ]);
    map.set('c', 3); // 'a' is still the oldest by insertion
    expect([...map.keys()]).toEqual(['b', 'c']);
  });

  it('keeps a key deleted and set again as the newest (least recently used goes first)', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2);
    map.delete('a');
    map.set('a', 1);
    map.set('c', 3);
    expect([...map.keys()]).toEqual(['a', 'c']);
  });

  it('holds one entry at a limit of 1 and refuses a limit that is not a positive integer', () => {
    const map = new BoundedMap<number, string>(1);
    map.set(1, 'x').set(2, 'y');
    expect([...map]).toEqual([[2, 'y']]);
    expect(() => new BoundedMap(0)).toThrow(RangeError);
    expect(() => new BoundedMap(2.5)).toThrow(RangeError);
  });
});

describe('BoundedSet', () => {
  it('forgets the oldest value when a new one arrives at the limit, and keeps a held one in place', () => {
    const set = new BoundedSet<string>(2);
    set.add('a').add('b').add('a');
    expect([...set]).toEqual(['a', 'b']);
    set.add('c');
    expect([...set]).toEqual(['b', 'c']);
    expect(() => new BoundedSet(-1)).toThrow(RangeError);
  });
});
