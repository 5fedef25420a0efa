/**
 * Orders the work and the answers of one connection's frames.
 *
 * Work: a frame's work starts once the frame before it has *released* the connection: at the end of its
 * work, or earlier when the work says so. Sending a message releases as soon as the gateway has given it
 * its id, so a client can have many messages being stored at once (they are written in one batch) while
 * ids, and so delivery order, still follow the order of the frames.
 *
 * Answers: whatever order the work finishes in, answers leave in the order the frames came in, so a quick
 * refusal never overtakes the answer to an earlier, slower frame.
 */
export type Release = () => void;

interface Slot<A> {
  answer: A | undefined;
  ready: boolean;
}

export class FrameSequencer<A> {
  private gate: Promise<void> = Promise.resolve();
  private readonly slots: Slot<A>[] = [];
  private idleWaiters: (() => void)[] = [];

  /** `emit` sends one answer; it is called in frame order. */
  constructor(private readonly emit: (answer: A) => void) {}

  /** Frames whose answer has not been sent yet. */
  get inFlight(): number {
    return this.slots.length;
  }

  /** Queues a frame's work; its result (if any) is answered in frame order. The work must not throw. */
  run(work: (release: Release) => Promise<A | undefined>): void {
    const slot: Slot<A> = { answer: undefined, ready: false };
    this.slots.push(slot);
    let release: Release = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const previous = this.gate;
    this.gate = released;
    void previous.then(async () => {
      try {
        slot.answer = await work(release);
      } finally {
        release();
        slot.ready = true;
        this.flush();
      }
    });
  }

  /** Resolves when every frame queued so far has been answered. */
  idle(): Promise<void> {
    if (this.slots.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private flush(): void {
    while (this.slots[0]?.ready) {
      const slot = this.slots.shift() as Slot<A>;
      if (slot.answer !== undefined) this.emit(slot.answer);
    }
    if (this.slots.length === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}
