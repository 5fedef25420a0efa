/**
 * What the XMPP adapter remembers about recent messages of XMPP senders: the gateway ids of their stanza ids
 * (CorrectionIds) and the receipts they asked for (ReceiptRequests).
 *
 * XEP-0308 corrections name the stanza id of the message they replace, as the sender's client knows it; the
 * core names messages by gateway id. This remembers, per sender, the gateway id of their recent stanza ids
 * (a bounded map: corrections are of recent messages). A correction of a message it no longer knows is
 * carried as a new message.
 */
import { addressKey, type Address } from "../../core/model/address.js";

const CAPACITY = 10_000;

/**
 * A map of the last few thousand entries. Two generations: lookups see both, inserts go to the newer; the older is
 * dropped when the newer is full (evicting one entry at a time from a Map walks its deleted slots).
 */
export class RecentMap<V> {
  private current = new Map<string, V>();
  private previous = new Map<string, V>();

  set(key: string, value: V): void {
    this.current.set(key, value);
    if (this.current.size >= CAPACITY / 2) {
      this.previous = this.current;
      this.current = new Map();
    }
  }

  get(key: string): V | undefined {
    return this.current.get(key) ?? this.previous.get(key);
  }
}

export class CorrectionIds {
  private readonly ids = new RecentMap<string>();

  /** `conversation` tells apart the same stanza id in two conversations (a room's key); "" for direct messages. */
  remember(sender: Address, stanzaId: string, gatewayId: string, conversation = ""): void {
    this.ids.set(`${addressKey(sender)} ${conversation} ${stanzaId}`, gatewayId);
  }

  gatewayId(sender: Address, stanzaId: string, conversation = ""): string | undefined {
    return this.ids.get(`${addressKey(sender)} ${conversation} ${stanzaId}`);
  }
}

/** Messages whose XMPP sender asked for a XEP-0184 receipt, until the receipt is sent (bounded, like the ids). */
export class ReceiptRequests {
  // Two generations, as in CorrectionIds: evicting one entry at a time from a Set walks its deleted slots.
  private current = new Set<string>();
  private previous = new Set<string>();

  add(sender: Address, stanzaId: string): void {
    this.current.add(`${addressKey(sender)} ${stanzaId}`);
    if (this.current.size >= CAPACITY / 2) {
      this.previous = this.current;
      this.current = new Set();
    }
  }

  /** True (once) when a receipt was asked for this message. */
  take(sender: Address, stanzaId: string): boolean {
    const key = `${addressKey(sender)} ${stanzaId}`;
    return this.current.delete(key) || this.previous.delete(key);
  }
}
