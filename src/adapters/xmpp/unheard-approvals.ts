/**
 * An approval the gateway could not hear (docs/xmpp.md, "Answers given while the gateway was away"). The gateway
 * asks an XMPP user for her presence once per request (core/roster.ts, core/link-requests.ts,
 * core/buddy-offers.ts): asking again would prompt her again. If she approves while the component is disconnected
 * (the XMPP server restarted, the link cut), her server applies the approval to her roster and then bounces the
 * `subscribed` (Prosody 0.12, mod_presence: rostermanager.subscribed, then the route to the absent component fails),
 * and the presence it sends after it: the request would stay unanswered for the gateway for good.
 *
 * From then on, though, her server sends her presence to the requester's JID, as to every subscriber (RFC 6121
 * sections 4.2.2 and 4.4.2: to each contact with a subscription of from or both): at her next login and at her
 * next presence change. So the first available presence from her to a requester, on a connection, whose request the core still
 * holds unanswered (AdapterContext.awaitsAnswer) is taken as the approval that was lost: the same `approve` event a
 * `subscribed` gives, and then the presence as any other. `unavailable` is no sign (Prosody acknowledges every
 * request it holds for her with one); a subscription stanza of hers on the connection answers for itself, so the
 * presence her server sends after a `subscribed` heard live is not taken for a second approval. A client may send
 * directed presence to anyone, subscribed or not: that one would be taken for an approval too. Rare, and for a
 * contact's request or a link's it does not last: the gateway probes the JID of an approved one (a contact's at
 * once, a link's at the next reconnect), and her server's `unsubscribed` answer ends the request as refused (see
 * below). An offer recorded approved so is shown to her as a pending one is: nothing changes.
 *
 * Why not ask her server at the reconnect (a presence probe, RFC 6121 section 4.3)? Because of what it does to a
 * request that is still pending. Prosody 0.12 answers a probe from a JID it holds a pending request of with
 * `unsubscribed` sent as from her (mod_presence, inbound probe: core_post_stanza with pre-events, which runs the
 * outbound `unsubscribed` handling: rostermanager.unsubscribed), and so cancels the request: she is not shown it at
 * her next login, and her answer to the prompt she has is kept as a pre-approval (RFC 6121 section 3.4) that never
 * reaches the gateway. Probing every unanswered request at every reconnect would lose the requests she has not
 * answered yet, which are most of them, to learn of the few answered meanwhile.
 *
 * Per connection: the pairs whose presence was looked at, so that each costs one question to the core; at most
 * MAX_PAIRS, then forgotten all at once (a server can mint senders without end; forgetting costs only questions).
 */
import { addressKey, type Address } from "../../core/model/address.js";

export const MAX_PAIRS = 20_000;

export class UnheardApprovals {
  private readonly looked = new Set<string>();

  /**
   * Whether an available presence from `from` to `to` should be checked for an approval not heard: the first of the
   * pair on this connection, and no subscription stanza of the pair heard on it.
   */
  firstPresence(from: Address, to: Address): boolean {
    const key = pairKey(from, to);
    if (this.looked.has(key)) return false;
    this.remember(key);
    return true;
  }

  /** A subscription stanza from `from` to `to` was heard: the answer is known, and presence after it shows nothing new. */
  heard(from: Address, to: Address): void {
    this.remember(pairKey(from, to));
  }

  /** A new connection: presence may show approvals given while there was none. */
  clear(): void {
    this.looked.clear();
  }

  private remember(key: string): void {
    if (this.looked.size >= MAX_PAIRS) this.looked.clear();
    this.looked.add(key);
  }
}

function pairKey(from: Address, to: Address): string {
  return `${addressKey(from)} ${addressKey(to)}`;
}
