/**
 * The most recent messages, kept in memory when the message log is off (config store.message_log: false) and a
 * message is no longer stored once delivered: what a correction (`replaces`) is checked against, and what a
 * network's late bounce (an XMPP error reply after the delivery) reports to the sender. Bounded by count and by
 * text: the oldest go when either limit would be exceeded (a Map keeps insertion order), about 300 bytes per
 * message plus its text, at most 10,000 messages and 8 MB of text. It lives in memory only: after a restart,
 * only messages still waiting in the outbox can be corrected or bounced.
 */
import type { Message } from "./model/message.js";

export const RECENT_MESSAGES_KEPT = 10_000;
export const RECENT_TEXT_BYTES = 8 * 1024 * 1024;

export class RecentMessages {
  private readonly messages = new Map<string, Message>();
  private textBytes = 0;

  constructor(
    private readonly limit = RECENT_MESSAGES_KEPT,
    private readonly textLimit = RECENT_TEXT_BYTES,
  ) {}

  remember(message: Message): void {
    this.forget(message.id);
    this.messages.set(message.id, message);
    this.textBytes += textBytes(message);
    while (this.messages.size > this.limit || this.textBytes > this.textLimit) {
      const oldest = this.messages.keys().next();
      if (oldest.done) break;
      this.forget(oldest.value);
    }
  }

  get(id: string): Message | undefined {
    return this.messages.get(id);
  }

  private forget(id: string): void {
    const message = this.messages.get(id);
    if (!message) return;
    this.messages.delete(id);
    this.textBytes -= textBytes(message);
  }
}

/** UTF-16 code units, twice as many bytes: what the text costs in memory, near enough. */
function textBytes(message: Message): number {
  return message.body.length * 2;
}
