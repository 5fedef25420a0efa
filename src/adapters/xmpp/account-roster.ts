/**
 * A linked account's roster (RFC 6121 section 2) as its owner's buddy list: fetched at every login (2.1.3) and
 * kept by roster pushes (2.1.6), accepted only from the account itself. The parsing is roster.ts's.
 */
import { xml, type Client } from "@xmpp/client";
import type { Element } from "ltx";
import type { AdapterContext } from "../../core/adapter.js";
import type { Address } from "../../core/model/address.js";
import type { Contact } from "../../core/model/contact.js";
import { xmppUserAddress } from "./addressing.js";
import { isOwnRosterPush, NS_ROSTER, parseRosterQuery, rosterContact } from "./roster.js";
import { errorCondition } from "./stanzas.js";

const ROSTER_TIMEOUT_MS = 10_000;

export class AccountRoster {
  constructor(
    private readonly context: AdapterContext,
    private readonly owner: Address,
    /** The account's bare JID, folded: never a contact of its own. */
    private readonly ownJid: string,
  ) {}

  /** Answers the connection's roster pushes from now on. */
  listen(connection: Client): void {
    connection.iqCallee.set(NS_ROSTER, "query", (context: { readonly stanza: Element }) => this.push(context.stanza));
  }

  /** Section 2.1.3: the roster at login, as contacts of the owner. */
  async fetch(connection: Client): Promise<Contact[]> {
    const answer = await connection.iqCaller.request(xml("iq", { type: "get" }, xml("query", { xmlns: NS_ROSTER })), ROSTER_TIMEOUT_MS);
    const query = answer.getChild("query", NS_ROSTER);
    if (!query) return [];
    const { items, skipped } = parseRosterQuery(query);
    if (skipped.length > 0) this.context.log.warn({ jid: this.ownJid, skipped }, "roster items skipped");
    return items.flatMap((item) => (item.subscription === "remove" || item.jid === this.ownJid ? [] : [rosterContact(item, this.owner, this.context.account)]));
  }

  /** Section 2.1.6: a push from anyone but the account itself is refused; the others update the mirror. */
  private push(stanza: Element): Element | true {
    const from = typeof stanza.attrs["from"] === "string" ? stanza.attrs["from"] : undefined;
    if (!isOwnRosterPush(from, this.ownJid)) {
      this.context.log.warn({ jid: this.ownJid, from }, "roster push from another entity refused");
      return errorCondition("cancel", "service-unavailable");
    }
    const query = stanza.getChild("query", NS_ROSTER);
    for (const item of query ? parseRosterQuery(query).items : []) {
      if (item.jid === this.ownJid) continue;
      if (item.subscription === "remove") {
        this.context.dispatch({ type: "contact-removed", owner: this.owner, address: xmppUserAddress(item.jid, this.context.account) });
      } else {
        this.context.dispatch({ type: "contact", contact: rosterContact(item, this.owner, this.context.account) });
      }
    }
    return true;
  }
}
