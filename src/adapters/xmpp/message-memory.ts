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

export class CorrectionIds {
  private readonly ids = new Map<string, string>();

  remember(sender: Address, stanzaId: string, gatewayId: string): void {
    const key = `${addressKey(sender)} ${stanzaId}`;
    this.ids.delete(key);
    this.ids.set(key, gatewayId);
    if (this.ids.size > CAPACITY) {
      const oldest = this.ids.keys().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
  }

  gatewayId(sender: Address, stanzaId: string): string | undefined {
    return this.ids.get(`${addressKey(sender)} ${stanzaId}`);
  }
}

/** Messages whose XMPP sender asked for a XEP-0184 receipt, until the receipt is sent (bounded, like the ids). */
export class ReceiptRequests {
  private readonly pending = new Set<string>();

  add(sender: Address, stanzaId: string): void {
    this.pending.add(`${addressKey(sender)} ${stanzaId}`);
    if (this.pending.size > CAPACITY) {
      const oldest = this.pending.values().next().value;
      if (oldest !== undefined) this.pending.delete(oldest);
    }
  }

  /** True (once) when a receipt was asked for this message. */
  take(sender: Address, stanzaId: string): boolean {
    return this.pending.delete(`${addressKey(sender)} ${stanzaId}`);
  }
}
