/**
 * The delivery queue of one recipient: messages go out one at a time, in gateway-id order, never twice.
 *
 * Modes:
 *   live     - messages offered after acceptance are kept in memory and sent at once.
 *   waiting  - the recipient was not reachable; the store holds what waits and nothing is attempted
 *              until drain() (the recipient became reachable, or the retry timer fired).
 *   draining - reading what waits from the store, oldest first, until none is left; then live.
 *
 * Races this design closes:
 *   - A message is written to the store before it is offered. One that the drain reads from the store and
 *     that is then offered again is dropped by the watermark `lastHandledId` (ids increase).
 *   - One offered while a drain's read is under way may be missing from that read: the offer sets
 *     `offeredWhileDraining`, and the drain reads again before it goes live.
 *   - A message given up elsewhere (expired) is remembered in `skipped` so a drain that already loaded it,
 *     or the live list, never sends it after it was reported failed.
 *   - A message moved here from another recipient (outbox.ts: a linked account that no longer is its
 *     person) may be older than the watermark: `readmitted` lets it through once.
 *   - A store or adapter failure in the middle of a drain leaves the queue waiting, so the retry timer
 *     tries again; it never stays stuck in "draining".
 *
 * Confirmations (adapter.ts SendResult.confirmed): an attempt may end "sent", with the promise of its final
 * outcome, and the queue goes on with the next message at once (pipelining). A sent message whose
 * confirmation fails retryably rewinds the queue: it waits, and its next drain starts from the oldest message
 * the store still holds, so that message and every later one not confirmed go out again, in order. Each
 * rewind starts a new epoch: work of an older epoch (a run or drain under way, a late confirmation) no longer
 * moves the watermark; a late success of an older epoch marks its message skipped, so a drain that loaded it
 * before its removal does not send it again. A drain sends a page, then awaits the page's confirmations
 * before it reads the next one (their rows are removed by then), so a page of unconfirmed rows is never
 * taken for the end.
 */
import type { Message } from "./model/message.js";

export type FinalOutcome = "done" | "retry";
/** "sent": handed to the network; `confirmation` settles (never rejects) with the final outcome. */
export type AttemptOutcome = FinalOutcome | { readonly confirmation: Promise<FinalOutcome> };

export interface QueueIo {
  /**
   * Tries one delivery; "done" when delivered or reported failed, "retry" when the recipient is unreachable,
   * or sent with the promise of one of those.
   */
  attempt(message: Message): Promise<AttemptOutcome>;
  /** Messages that wait in the store for this recipient, oldest first. */
  loadPending(limit: number): Promise<Message[]>;
}

const DRAIN_PAGE = 200;

export class RecipientQueue {
  private mode: "live" | "waiting" | "draining";
  private items: Message[] = [];
  private running = false;
  private lastHandledId = "";
  private offeredWhileDraining = false;
  private readonly skipped = new Set<string>();
  /** Older than the watermark and still to be sent: moved here from another recipient's queue (readmit). */
  private readonly readmitted = new Set<string>();
  /** Sent and not confirmed yet: message id -> the epoch it was sent in. */
  private readonly unconfirmed = new Map<string, number>();
  private epoch = 0;
  lastActivity = Date.now();

  constructor(
    private readonly io: QueueIo,
    initiallyWaiting: boolean,
  ) {
    this.mode = initiallyWaiting ? "waiting" : "live";
  }

  get isIdle(): boolean {
    return !this.running && this.items.length === 0 && this.mode !== "draining" && this.unconfirmed.size === 0;
  }

  /** Sends what it is offered at once (neither waiting for the recipient nor reading the store). */
  get isLive(): boolean {
    return this.mode === "live";
  }

  get isWaiting(): boolean {
    return this.mode === "waiting";
  }

  /** True while this message is in memory for live delivery, or sent and waiting for its confirmation. */
  isBusyWith(messageId: string): boolean {
    return this.unconfirmed.has(messageId) || this.items.some((item) => item.id === messageId);
  }

  offer(message: Message): void {
    this.lastActivity = Date.now();
    if (this.mode === "draining") this.offeredWhileDraining = true;
    if (this.mode !== "live" || (message.id <= this.lastHandledId && !this.readmitted.has(message.id))) return;
    this.items.push(message);
    void this.run();
  }

  /**
   * A message moved to this recipient from another's queue (its row is moved in the store already): it may be
   * older than what this queue has handled, and goes out all the same, after what is in hand.
   */
  readmit(message: Message): void {
    // Kept until handled, whatever the watermark now: a drain under way may move it past this id before reading.
    this.readmitted.add(message.id);
    this.offer(message);
  }

  /** Called when the recipient may be reachable again: delivers what waits in the store. */
  async drain(): Promise<void> {
    if (this.mode !== "waiting") return;
    this.mode = "draining";
    const epoch = this.epoch;
    this.lastActivity = Date.now();
    try {
      for (;;) {
        this.offeredWhileDraining = false;
        const page = (await this.io.loadPending(DRAIN_PAGE)).filter((message) => message.id > this.lastHandledId || this.readmitted.has(message.id));
        if (this.epoch !== epoch) return;
        if (page.length === 0) {
          if (this.offeredWhileDraining) continue;
          break;
        }
        const confirmations: Promise<void>[] = [];
        for (const message of page) {
          if (this.skipped.delete(message.id)) continue;
          const outcome = this.track(message, await this.io.attempt(message), epoch);
          if (this.epoch !== epoch) return;
          if (outcome === "retry") {
            this.mode = "waiting";
            return;
          }
          if (outcome !== "done") confirmations.push(outcome);
          this.handled(message);
        }
        await Promise.all(confirmations);
        if (this.epoch !== epoch) return;
      }
      this.mode = "live";
      this.skipped.clear();
    } catch (error: unknown) {
      if (this.epoch === epoch) this.mode = "waiting";
      throw error;
    }
  }

  /** Marks a message given up elsewhere (expired), so it is never sent after being reported failed. */
  skip(messageId: string): void {
    const readmitted = this.readmitted.delete(messageId);
    if (messageId <= this.lastHandledId && !readmitted) return;
    this.items = this.items.filter((item) => item.id !== messageId);
    if (this.mode !== "live" || this.running) this.skipped.add(messageId);
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const epoch = this.epoch;
    try {
      while (this.items.length > 0 && this.mode === "live") {
        const message = this.items[0] as Message;
        const outcome = this.track(message, await this.io.attempt(message), epoch);
        if (this.epoch !== epoch) break; // rewound meanwhile: the store has it
        if (outcome === "retry") {
          // The store keeps these; a later drain sends them in order.
          this.mode = "waiting";
          this.items = [];
          break;
        }
        this.handled(message);
        this.items.shift();
      }
    } catch {
      // A store failure while recording the outcome: fall back to the store, which still has the message.
      if (this.epoch === epoch) {
        this.mode = "waiting";
        this.items = [];
      }
    } finally {
      // After a rewind, rewind() released the flag, and a run of the new epoch may hold it now.
      if (this.epoch === epoch) this.running = false;
    }
  }

  /**
   * The outcome of an attempt made in `epoch`: final, or (sent) a promise that settles when its confirmation
   * has been handled: success forgets it, a retryable failure rewinds the queue (see the header).
   */
  private track(message: Message, outcome: AttemptOutcome, epoch: number): FinalOutcome | Promise<void> {
    if (typeof outcome === "string") return outcome;
    this.unconfirmed.set(message.id, epoch);
    return outcome.confirmation.then((result) => {
      if (this.unconfirmed.get(message.id) === epoch) this.unconfirmed.delete(message.id);
      if (epoch !== this.epoch) {
        if (result === "done") this.skipped.add(message.id);
        return;
      }
      if (result === "retry") this.rewind();
    });
  }

  /** The watermark never goes back for a readmitted message older than it. */
  private handled(message: Message): void {
    this.readmitted.delete(message.id);
    if (message.id > this.lastHandledId) this.lastHandledId = message.id;
  }

  /** A sent message was not confirmed: wait, and send again from the oldest message the store holds. */
  private rewind(): void {
    this.epoch += 1;
    this.mode = "waiting";
    this.items = [];
    this.lastHandledId = "";
    this.running = false;
  }
}
