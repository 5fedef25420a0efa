/**
 * XEP-0184 receipts asked for on behalf of the gateway's senders (a native session that asked for receipts):
 * a direct message from such a sender goes out with <request xmlns="urn:xmpp:receipts"/> under its gateway id as
 * stanza id, and the recipient's client answers <received id="..."/>, which the core passes to the sender.
 *
 * Only the JID the message went to can acknowledge it, to the JID it came from: the ids are gateway ids, easy to
 * guess, and anyone else could otherwise make someone's message read as received. A receipt for an id not awaited
 * (never asked, answered already, forgotten, or from someone else) is ignored without a word.
 *
 * Keyed by recipient and id: with identities.deliver_to: all one message goes to each linked JID of its recipient, under
 * the same id, and each of them may acknowledge it (the sender hears of each receipt; the core keeps what it needs).
 *
 * Bounded as message-memory.ts's maps are: the last 10,000 requests at most. A receipt may come days later (the
 * recipient's server kept the message offline) or never (a client without receipts): the oldest requests go.
 * A correction (XEP-0308) asks for none: what its sender learns is that the conversation reached the recipient, which
 * the original's receipt tells; chat states carry no body and are never messages here.
 */
import type { AdapterContext } from "../../core/adapter.js";
import { addressKey, sameAddress, type Address } from "../../core/model/address.js";
import type { Message } from "../../core/model/message.js";
import { RecentMap } from "./message-memory.js";

interface Awaited {
  readonly sender: Address;
  readonly to: Address;
}

/** The key of a request: the address the stanza went to (the only one that may answer) and the stanza's id. */
function keyOf(recipient: Address, id: string): string {
  // An address key is a URI with its id percent-encoded: it holds no space.
  return `${addressKey(recipient)} ${id}`;
}

export class AwaitedReceipts {
  private readonly awaited = new RecentMap<Awaited>();

  constructor(private readonly context: Pick<AdapterContext, "wantsReceipts" | "received" | "log">) {}

  /**
   * Whether the stanza carrying `message` to `recipient` asks for a receipt: a direct message, not a correction,
   * whose sender wants receipts now. Remembered then, by recipient and the message's gateway id (the stanza's id).
   */
  request(message: Message, recipient: Address): boolean {
    if (message.scope !== "direct" || message.replaces !== undefined || message.retracts !== undefined || message.reactsTo !== undefined || !this.context.wantsReceipts(message.from)) return false;
    this.awaited.set(keyOf(recipient, message.id), { sender: message.from, to: message.to });
    return true;
  }

  /**
   * A receipt for stanza `id` from `from` (a bare JID's address) to `to` (the gateway address it was sent to): passed
   * to the core when it is the one awaited from that address for that sender, once; anything else is ignored.
   */
  received(from: Address, to: Address, id: string): void {
    const key = keyOf(from, id);
    const awaited = this.awaited.get(key);
    if (!awaited || !sameAddress(awaited.sender, to)) {
      this.context.log.debug({ id }, "XMPP receipt for no request of this JID: ignored");
      return;
    }
    this.awaited.delete(key);
    this.context.received({ messageId: id, sender: awaited.sender, to: awaited.to });
  }
}
