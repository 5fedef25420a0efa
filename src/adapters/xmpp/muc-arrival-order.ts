/**
 * A MUC's lines submitted in the order they arrived. Most lines are submitted at once, but one that must first ask
 * the store (a reply to, a retraction of, a line from before a restart: muc-line-ids.ts) waits for its answer, and
 * a line read after it in the same turn would otherwise be submitted first. While such a lookup is pending, the
 * MUC's later lines queue behind it (a promise chain per MUC); with nothing pending a line goes at once, as before.
 * A lookup is waited for LOOKUP_WAIT_MS at most, then counts as failed: a store (or an earlier line's acceptance) that
 * never answers must not hold the MUC's lines, and the queue's memory, for good.
 */

/** How long a line waits for its lookup at most: longer than muc-line-ids.ts waits for a reflection (5 s). */
export const LOOKUP_WAIT_MS = 10_000;

/** What a line waits for: its value at once, or a lookup under way. */
export type Pending<T> = T | Promise<T>;

export class MucArrivalOrder {
  /** Per MUC (lower case): the end of the queue, while some line of it waits. */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(private readonly waitMs = LOOKUP_WAIT_MS) {}

  /**
   * Submits a line of `muc` once `ready` is known and every earlier line of it was submitted. `submit` resolves once
   * the line was handed on (not when it is accepted): the next waits for that only. A failed lookup, or one not
   * answered within `waitMs`, is `undefined`.
   */
  run<T>(muc: string, ready: Pending<T>, submit: (value: T | undefined) => Promise<void> | void): void {
    const key = muc.toLowerCase();
    const before = this.queues.get(key);
    if (before === undefined && !(ready instanceof Promise)) {
      void submit(ready);
      return;
    }
    const answer = bounded(Promise.resolve(ready), this.waitMs);
    const turn = (before ?? Promise.resolve()).then(async () => submit(await answer)).catch(() => undefined);
    this.queues.set(key, turn);
    void turn.then(() => {
      if (this.queues.get(key) === turn) this.queues.delete(key);
    });
  }
}

/** `lookup`'s value, or undefined when it fails or has not answered within `ms`. */
async function bounded<T>(lookup: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, ms, undefined)));
  try {
    return await Promise.race([lookup.catch(() => undefined), expired]);
  } finally {
    clearTimeout(timer);
  }
}
