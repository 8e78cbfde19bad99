// One live object per key, shared by whoever asks for it and closed when the last one lets go: a
// trace file's index (indexes.ts), its review file (reviews.ts).
export class Shared<T> {
  private readonly open = new Map<string, { value: T; refs: number }>();

  constructor(private readonly close: (value: T) => void) {}

  /** The object of `key`, made by `create` when nobody holds one; hand it back with release. */
  acquire(key: string, create: () => T): T {
    const have = this.open.get(key);
    if (have) {
      have.refs++;
      return have.value;
    }
    const value = create();
    this.open.set(key, { value, refs: 1 });
    return value;
  }

  release(value: T) {
    for (const [k, e] of this.open) {
      if (e.value !== value) continue;
      if (--e.refs > 0) return;
      this.open.delete(k);
      this.close(value);
      return;
    }
  }

  dispose() {
    for (const e of this.open.values()) this.close(e.value);
    this.open.clear();
  }
}
