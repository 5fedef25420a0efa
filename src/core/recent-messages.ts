/**
 * The most recent messages, kept in memory when the message log is off (config store.message_log: false) and a
 * message is no longer stored once delivered: what a correction (`replaces`) or a retraction (`retracts`) is checked against, and what a
 * network's late bounce (an XMPP error reply after the delivery) reports to the sender. Bounded by count and by
 * text: the oldest go when either limit would be exceeded (a Map keeps insertion order), about 300 bytes per
 * message plus its text, at most 10,000 messages and 8 MB of text. It lives in memory only: after a restart,
 * only messages still waiting in the outbox can be corrected or bounced.
 */
import type { Message, MessageModeration } from "./model/message.js";

export const RECENT_MESSAGES_KEPT = 10_000;
export const RECENT_TEXT_BYTES = 8 * 1024 * 1024;

/** One remembering of a message; the queue's entry is stale once the message was remembered again or forgotten. */
interface Remembered {
  readonly message: Message;
}

export class RecentMessages {
  private readonly messages = new Map<string, Remembered>();
  /**
   * The order of rememberings, oldest first from `head`. The Map's own order is not used to find the oldest:
   * after many deletions `keys().next()` walks the deleted slots at the front of the table, about 7 us a
   * message at the limit, on every message of a gateway with the log off.
   */
  private order: Remembered[] = [];
  private head = 0;
  private textBytes = 0;

  constructor(
    private readonly limit = RECENT_MESSAGES_KEPT,
    private readonly textLimit = RECENT_TEXT_BYTES,
  ) {}

  remember(message: Message): void {
    this.forget(message.id);
    const entry: Remembered = { message };
    this.messages.set(message.id, entry);
    this.order.push(entry);
    this.textBytes += textBytes(message);
    while ((this.messages.size > this.limit || this.textBytes > this.textLimit) && this.head < this.order.length) {
      const oldest = this.order[this.head++];
      if (oldest && this.messages.get(oldest.message.id) === oldest) this.forget(oldest.message.id);
    }
    // The consumed front is dropped once it is most of the array, so the array stays within twice what is kept.
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }

  /**
   * The message was retracted: what is remembered of it and of its corrections are tombstones, without their words
   * (as the log's tombstone, sqlite-message-log.ts). A walk over all that is kept: retractions are rare.
   */
  retract(id: string, moderated?: MessageModeration): void {
    const message = this.get(id);
    if (message === undefined || message.retracted === true) return;
    const corrections = [...this.messages.values()].filter((entry) => entry.message.replaces === id && entry.message.retracted !== true);
    for (const { message: kept } of [{ message }, ...corrections]) {
      // Its links go with its words: a retracted image is not shown either.
      const { attachments: _links, ...said } = kept;
      this.remember({ ...said, body: "", retracted: true, ...(moderated === undefined ? {} : { moderated }) });
    }
  }

  get(id: string): Message | undefined {
    return this.messages.get(id)?.message;
  }

  private forget(id: string): void {
    const entry = this.messages.get(id);
    if (!entry) return;
    this.messages.delete(id);
    this.textBytes -= textBytes(entry.message);
  }
}

/** UTF-16 code units, twice as many bytes: what the text costs in memory, near enough. */
function textBytes(message: Message): number {
  return message.body.length * 2;
}
