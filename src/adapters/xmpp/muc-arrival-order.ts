/**
 * A MUC's lines submitted in the order they arrived. Most lines are submitted at once, but one that must first ask
 * the store (a reply to, a retraction of, a line from before a restart: muc-line-ids.ts) waits for its answer, and
 * a line read after it in the same turn would otherwise be submitted first. While such a lookup is pending, the
 * MUC's later lines queue behind it (a promise chain per MUC); with nothing pending a line goes at once, as before.
 */

/** What a line waits for: its value at once, or a lookup under way. */
export type Pending<T> = T | Promise<T>;

export class MucArrivalOrder {
  /** Per MUC (lower case): the end of the queue, while some line of it waits. */
  private readonly queues = new Map<string, Promise<void>>();

  /**
   * Submits a line of `muc` once `ready` is known and every earlier line of it was submitted. `submit` resolves once
   * the line was handed on (not when it is accepted): the next waits for that only. A failed lookup is `undefined`.
   */
  run<T>(muc: string, ready: Pending<T>, submit: (value: T | undefined) => Promise<void> | void): void {
    const key = muc.toLowerCase();
    const before = this.queues.get(key);
    if (before === undefined && !(ready instanceof Promise)) {
      void submit(ready);
      return;
    }
    const answer = Promise.resolve(ready).catch(() => undefined);
    const turn = (before ?? Promise.resolve()).then(async () => submit(await answer)).catch(() => undefined);
    this.queues.set(key, turn);
    void turn.then(() => {
      if (this.queues.get(key) === turn) this.queues.delete(key);
    });
  }
}
