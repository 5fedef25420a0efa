/**
 * The delivery queue of one recipient: messages go out one at a time, in gateway-id order, never twice.
 *
 * Modes:
 *   live     - messages offered after acceptance are kept in memory and sent at once.
 *   waiting  - the recipient was not reachable; the store holds what waits and nothing is attempted
 *              until drain() (the recipient became reachable, or the retry timer fired).
 *   draining - reading what waits from the store, oldest first, until none is left; then live.
 *
 * `lastHandledId` is a watermark: ids increase, so anything at or below it was delivered or reported
 * failed. It removes the one race of the design: a message written to the store while a drain reads the
 * store is seen by the drain and then offered again by its acceptance; the watermark drops the second copy.
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

  /** True while this message is in memory or being sent, so expiry leaves it alone. */
  isBusyWith(messageId: string): boolean {
    return this.items.some((item) => item.id === messageId);
  }

  offer(message: Message): void {
    this.lastActivity = Date.now();
    if (this.mode !== "live" || message.id <= this.lastHandledId) return;
    this.items.push(message);
    void this.run();
  }

  /** Called when the recipient may be reachable again: delivers what waits in the store. */
  async drain(): Promise<void> {
    if (this.mode !== "waiting") return;
    this.mode = "draining";
    this.lastActivity = Date.now();
    for (;;) {
      const page = (await this.io.loadPending(DRAIN_PAGE)).filter((message) => message.id > this.lastHandledId);
      if (page.length === 0) break;
      for (const message of page) {
        if ((await this.io.attempt(message)) === "retry") {
          this.mode = "waiting";
          return;
        }
        this.lastHandledId = message.id;
      }
    }
    this.mode = "live";
  }

  /** Marks a message handled elsewhere (expired), so it is never sent after being reported failed. */
  skip(messageId: string): void {
    if (messageId > this.lastHandledId && this.mode === "waiting") this.lastHandledId = messageId;
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
    } finally {
      this.running = false;
    }
  }
}
