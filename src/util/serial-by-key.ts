/**
 * Work run one at a time per key, in the order it was asked for; work of different keys runs side by side. A
 * check and the write that relies on it (a room's places counted, then a member added) thus cannot interleave with
 * another's of the same key across the awaits between them. A failure is its caller's alone: the key's next work
 * runs as usual.
 */
export class SerialByKey {
  /** Each busy key's last work, settled (never rejected) once it is done; a key with nothing running is absent. */
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    const result = before.then(work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** How many keys have work running or waiting (for tests: none are kept once done). */
  get busyKeys(): number {
    return this.tails.size;
  }
}
