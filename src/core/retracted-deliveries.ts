/**
 * Deliveries a retraction makes pointless (core/outbox.ts): a message retracted while it still waited in a
 * recipient's queue is dropped there instead of being delivered and then retracted, its waiting corrections too, and
 * the retraction of a message a recipient never got is dropped for that recipient too (it would name a message they
 * never saw). A waiting reply to a retracted message goes without its quote of the retracted words (`withoutQuote`):
 * IRC, which no retraction reaches, would otherwise show them under the reply.
 *
 * A message read from the store after a restart is known as retracted by its tombstone (`retracted`, written with
 * the retraction). Bounded like the outbox's other memories: only deliveries in flight are ever looked up.
 */
import { addressKey, type Address } from "./model/address.js";
import type { Message } from "./model/message.js";

const KEPT = 10_000;

export class RetractedDeliveries {
  private readonly retracted = new Set<string>();
  /** "<message id> <recipient key>" of retracted messages dropped before they went out. */
  private readonly dropped = new Set<string>();

  /** The message was retracted: a queue that has not sent it yet will not. */
  retract(messageId: string): void {
    if (this.retracted.size >= KEPT) this.retracted.clear();
    this.retracted.add(messageId);
  }

  /** Whether this delivery is to be dropped rather than attempted (see the header). */
  drops(message: Message, recipient: Address): boolean {
    // A correction waiting too: its words are the retracted message's (the store's tombstone blanks them alike).
    if (message.retracted === true || this.retracted.has(message.id) || (message.replaces !== undefined && this.retracted.has(message.replaces))) {
      if (this.dropped.size >= KEPT) this.dropped.clear();
      this.dropped.add(`${message.id} ${addressKey(recipient)}`);
      return true;
    }
    return message.retracts !== undefined && this.dropped.delete(`${message.retracts} ${addressKey(recipient)}`);
  }

  /** The message, or where it answers a retracted message, a copy without the quote of its words (see the header). */
  withoutQuote(message: Message): Message {
    const answered = message.replyTo;
    if (answered?.excerpt === undefined || !this.retracted.has(answered.id)) return message;
    const { excerpt: _gone, ...kept } = answered;
    return { ...message, replyTo: kept };
  }
}
