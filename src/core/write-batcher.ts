/**
 * Coalesces durable writes: items offered during one turn of the event loop are written in one store
 * transaction, and every offer resolves once its batch is on disk. One transaction per batch instead of per
 * message is what lets the gateway acknowledge tens of thousands of messages a second with SQLite.
 */
export class WriteBatcher<T> {
  private batch: T[] = [];
  private waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private scheduled = false;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (batch: readonly T[]) => Promise<void>,
    private readonly maxBatch = 5000,
  ) {}

  offer(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.batch.push(item);
      this.waiters.push({ resolve, reject });
      if (this.batch.length >= this.maxBatch) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Resolves when everything offered so far is written (or failed). */
  async drain(): Promise<void> {
    if (this.batch.length > 0) this.flush();
    await this.inFlight;
  }

  private flush(): void {
    this.scheduled = false;
    if (this.batch.length === 0) return;
    const batch = this.batch;
    const waiters = this.waiters;
    this.batch = [];
    this.waiters = [];
    this.inFlight = this.inFlight.then(async () => {
      try {
        await this.write(batch);
        for (const waiter of waiters) waiter.resolve();
      } catch (error: unknown) {
        for (const waiter of waiters) waiter.reject(error);
      }
    });
  }
}
