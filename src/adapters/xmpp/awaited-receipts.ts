/**
 * XEP-0184 receipts asked for on behalf of the gateway's senders (a native session that asked for receipts):
 * a direct message from such a sender goes out with <request xmlns="urn:xmpp:receipts"/> under its gateway id as
 * stanza id, and the recipient's client answers <received id="..."/>, which the core passes to the sender.
 *
 * Only the JID the message went to can acknowledge it, to the JID it came from: the ids are gateway ids, easy to
 * guess, and anyone else could otherwise make someone's message read as received. A receipt for an id not awaited
 * (never asked, answered already, forgotten, or from someone else) is ignored without a word.
 *
 * Bounded as message-memory.ts's maps are: the last 10,000 requests at most. A receipt may come days later (the
 * recipient's server kept the message offline) or never (a client without receipts): the oldest requests go.
 * A correction (XEP-0308) asks for none: what its sender learns is that the conversation reached the recipient, which
 * the original's receipt tells; chat states carry no body and are never messages here.
 */
import type { AdapterContext } from "../../core/adapter.js";
import { sameAddress, type Address } from "../../core/model/address.js";
import type { Message } from "../../core/model/message.js";
import { RecentMap } from "./message-memory.js";

interface Awaited {
  readonly sender: Address;
  readonly to: Address;
  /** The address the stanza went to (message.to, or a linked account of that person): the only one that may answer. */
  readonly recipient: Address;
}

export class AwaitedReceipts {
  private readonly awaited = new RecentMap<Awaited>();

  constructor(private readonly context: Pick<AdapterContext, "wantsReceipts" | "received" | "log">) {}

  /**
   * Whether the stanza carrying `message` to `recipient` asks for a receipt: a direct message, not a correction,
   * whose sender wants receipts now. Remembered then, by the message's gateway id (the stanza's id).
   */
  request(message: Message, recipient: Address): boolean {
    if (message.scope !== "direct" || message.replaces !== undefined || !this.context.wantsReceipts(message.from)) return false;
    this.awaited.set(message.id, { sender: message.from, to: message.to, recipient });
    return true;
  }

  /**
   * A receipt for stanza `id` from `from` (a bare JID's address) to `to` (the gateway address it was sent to): passed
   * to the core when it is the one awaited from that address for that sender, once; anything else is ignored.
   */
  received(from: Address, to: Address, id: string): void {
    const awaited = this.awaited.get(id);
    if (!awaited || !sameAddress(awaited.recipient, from) || !sameAddress(awaited.sender, to)) {
      this.context.log.debug({ id }, "XMPP receipt for no request of this JID: ignored");
      return;
    }
    this.awaited.delete(id);
    this.context.received({ messageId: id, sender: awaited.sender, to: awaited.to });
  }
}
