/**
 * Who sent the most recent messages, and to which conversation: what a correction (`replaces`) is checked
 * against when the message log is off (config store.message_log: false) and the original is no longer stored.
 * Bounded: the oldest entry goes when a new one would exceed the limit (a Map keeps insertion order), so it
 * costs about 200 bytes per message kept, 2 MB at the default 10,000. It lives in memory only: after a
 * restart, only messages still waiting in the outbox can be corrected.
 */
import type { Address } from "./model/address.js";
import type { Message } from "./model/message.js";

export const RECENT_MESSAGES_KEPT = 10_000;

export type MessageHeader = Pick<Message, "id" | "from" | "to">;

export class RecentMessages {
  private readonly headers = new Map<string, { readonly from: Address; readonly to: Address }>();

  constructor(private readonly limit = RECENT_MESSAGES_KEPT) {}

  remember(message: MessageHeader): void {
    this.headers.set(message.id, { from: message.from, to: message.to });
    if (this.headers.size > this.limit) {
      const oldest = this.headers.keys().next();
      if (!oldest.done) this.headers.delete(oldest.value);
    }
  }

  get(id: string): MessageHeader | undefined {
    const header = this.headers.get(id);
    return header && { id, ...header };
  }
}
