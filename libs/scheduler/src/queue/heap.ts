// A binary heap whose items can be found, replaced and removed by key, as Kubernetes'
// scheduler keeps its activeQ and backoffQ (pkg/scheduler/backend/heap): the queue must
// update or delete a pod that is waiting without scanning every entry.

export class KeyedHeap<T> {
  private readonly items: T[] = [];
  private readonly index = new Map<string, number>();

  /** `less(a, b)` true when a comes out before b. */
  constructor(
    private readonly keyOf: (item: T) => string,
    private readonly less: (a: T, b: T) => boolean,
  ) {}

  get size(): number {
    return this.items.length;
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  get(key: string): T | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.items[i];
  }

  peek(): T | undefined {
    return this.items[0];
  }

  /** Adds the item, or replaces the one with the same key and restores the order. */
  upsert(item: T): void {
    const key = this.keyOf(item);
    const i = this.index.get(key);
    if (i === undefined) {
      this.items.push(item);
      this.index.set(key, this.items.length - 1);
      this.up(this.items.length - 1);
    } else {
      this.items[i] = item;
      this.fix(i);
    }
  }

  pop(): T | undefined {
    if (this.items.length === 0) return undefined;
    return this.removeAt(0);
  }

  delete(key: string): T | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.removeAt(i);
  }

  /** The items in no particular order. */
  list(): readonly T[] {
    return this.items;
  }

  private removeAt(i: number): T {
    const item = this.items[i];
    const last = this.items.pop() as T;
    this.index.delete(this.keyOf(item));
    if (i < this.items.length) {
      this.items[i] = last;
      this.index.set(this.keyOf(last), i);
      this.fix(i);
    }
    return item;
  }

  private fix(i: number): void {
    if (!this.up(i)) this.down(i);
  }

  private up(i: number): boolean {
    const start = i;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(this.items[i], this.items[parent])) break;
      this.swap(i, parent);
      i = parent;
    }
    return i !== start;
  }

  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < n && this.less(this.items[l], this.items[best])) best = l;
      if (r < n && this.less(this.items[r], this.items[best])) best = r;
      if (best === i) return;
      this.swap(i, best);
      i = best;
    }
  }

  private swap(a: number, b: number): void {
    const x = this.items[a];
    this.items[a] = this.items[b];
    this.items[b] = x;
    this.index.set(this.keyOf(this.items[a]), a);
    this.index.set(this.keyOf(this.items[b]), b);
  }
}
