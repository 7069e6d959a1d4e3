// A FIFO queue on a growable ring buffer: O(1) push and shift, no element shifting, no
// reallocation while it stays under its high-water mark, and consumed slots cleared at once so
// the queue never keeps an event alive.

const MIN_CAPACITY = 16;

/**
 * Index-based FIFO queue.
 *
 * @example
 * ```ts
 * const q = new IndexQueue<number>(); q.push(1); q.push(2); q.shift(); // 1
 * ```
 */
export class IndexQueue<T> {
  private items: (T | undefined)[] = new Array(MIN_CAPACITY);
  private mask = MIN_CAPACITY - 1;
  private head = 0;
  private size = 0;

  constructor(initial?: Iterable<T>) {
    if (initial) for (const item of initial) this.push(item);
  }

  get length(): number {
    return this.size;
  }

  push(item: T): void {
    if (this.size > this.mask) this.grow();
    this.items[(this.head + this.size) & this.mask] = item;
    this.size++;
  }

  /** Removes and returns the oldest item; undefined when empty. */
  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined; // release the reference now
    this.head = (this.head + 1) & this.mask;
    this.size--;
    return item;
  }

  /** The oldest item, without removing it. */
  peek(): T | undefined {
    return this.size === 0 ? undefined : this.items[this.head];
  }

  /** Removes every item. */
  clear(): void {
    this.items = new Array(MIN_CAPACITY);
    this.mask = MIN_CAPACITY - 1;
    this.head = 0;
    this.size = 0;
  }

  /** The items, oldest first (a copy). */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.size; i++) out.push(this.items[(this.head + i) & this.mask] as T);
    return out;
  }

  private grow(): void {
    const items = this.toArray() as (T | undefined)[];
    const capacity = (this.mask + 1) * 2;
    items.length = capacity;
    this.items = items;
    this.mask = capacity - 1;
    this.head = 0;
  }
}
