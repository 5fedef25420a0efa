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
 *   - A store or adapter failure in the middle of a drain leaves the queue waiting, so the retry timer
 *     tries again; it never stays stuck in "draining".
 */
import type { Message } from "./model/message.js";

export type AttemptOutcome = "done" | "retry";

export interface QueueIo {
  /** Tries one delivery; "done" when delivered or reported failed, "retry" when the recipient is unreachable. */
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
  lastActivity = Date.now();

  constructor(
    private readonly io: QueueIo,
    initiallyWaiting: boolean,
  ) {
    this.mode = initiallyWaiting ? "waiting" : "live";
  }

  get isIdle(): boolean {
    return !this.running && this.items.length === 0 && this.mode !== "draining";
  }

  get isWaiting(): boolean {
    return this.mode === "waiting";
  }

  /** True while this message is in memory for live delivery. */
  isBusyWith(messageId: string): boolean {
    return this.items.some((item) => item.id === messageId);
  }

  offer(message: Message): void {
    this.lastActivity = Date.now();
    if (this.mode === "draining") this.offeredWhileDraining = true;
    if (this.mode !== "live" || message.id <= this.lastHandledId) return;
    this.items.push(message);
    void this.run();
  }

  /** Called when the recipient may be reachable again: delivers what waits in the store. */
  async drain(): Promise<void> {
    if (this.mode !== "waiting") return;
    this.mode = "draining";
    this.lastActivity = Date.now();
    try {
      for (;;) {
        this.offeredWhileDraining = false;
        const page = (await this.io.loadPending(DRAIN_PAGE)).filter((message) => message.id > this.lastHandledId);
        if (page.length === 0) {
          if (this.offeredWhileDraining) continue;
          break;
        }
        for (const message of page) {
          if (this.skipped.delete(message.id)) continue;
          if ((await this.io.attempt(message)) === "retry") {
            this.mode = "waiting";
            return;
          }
          this.lastHandledId = message.id;
        }
      }
      this.mode = "live";
      this.skipped.clear();
    } catch (error: unknown) {
      this.mode = "waiting";
      throw error;
    }
  }

  /** Marks a message given up elsewhere (expired), so it is never sent after being reported failed. */
  skip(messageId: string): void {
    if (messageId <= this.lastHandledId) return;
    this.items = this.items.filter((item) => item.id !== messageId);
    if (this.mode !== "live" || this.running) this.skipped.add(messageId);
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.items.length > 0 && this.mode === "live") {
        const message = this.items[0] as Message;
        if ((await this.io.attempt(message)) === "retry") {
          // The store keeps these; a later drain sends them in order.
          this.mode = "waiting";
          this.items = [];
          break;
        }
        this.lastHandledId = message.id;
        this.items.shift();
      }
    } catch {
      // A store failure while recording the outcome: fall back to the store, which still has the message.
      this.mode = "waiting";
      this.items = [];
    } finally {
      this.running = false;
    }
  }
}
