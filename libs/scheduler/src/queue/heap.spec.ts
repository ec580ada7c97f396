import { KeyedHeap } from './heap';

interface Item {
  key: string;
  n: number;
}
const heapOf = (...items: Item[]) => {
  const h = new KeyedHeap<Item>((i) => i.key, (a, b) => a.n < b.n);
  items.forEach((i) => h.upsert(i));
  return h;
};
const drain = (h: KeyedHeap<Item>) => {
  const out: string[] = [];
  for (let i = h.pop(); i; i = h.pop()) out.push(i.key);
  return out;
};

describe('KeyedHeap', () => {
  it('given items in any order, pops them smallest first', () => {
    const h = heapOf({ key: 'c', n: 3 }, { key: 'a', n: 1 }, { key: 'e', n: 5 }, { key: 'b', n: 2 }, { key: 'd', n: 4 });
    expect(drain(h)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('when an item is upserted again, replaces it and reorders', () => {
    const h = heapOf({ key: 'a', n: 1 }, { key: 'b', n: 2 }, { key: 'c', n: 3 });
    h.upsert({ key: 'a', n: 10 });
    h.upsert({ key: 'c', n: 0 });
    expect(h.size).toBe(3);
    expect(drain(h)).toEqual(['c', 'b', 'a']);
  });

  it('when an item is deleted from the middle, the rest still come out in order', () => {
    const h = heapOf(...Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, n: (i * 7) % 20 })));
    expect(h.delete('k3')?.n).toBe(1);
    expect(h.delete('missing')).toBeUndefined();
    const out = drain(h).map((k) => Number(k.slice(1)));
    expect(out.map((i) => (i * 7) % 20)).toEqual([0, ...Array.from({ length: 18 }, (_, i) => i + 2)]);
  });

  it('finds items by key', () => {
    const h = heapOf({ key: 'a', n: 1 });
    expect(h.has('a')).toBe(true);
    expect(h.get('a')).toEqual({ key: 'a', n: 1 });
    expect(h.has('b')).toBe(false);
  });
});
