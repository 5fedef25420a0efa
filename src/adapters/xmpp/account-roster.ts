/**
 * A linked account's roster (RFC 6121 section 2) as its owner's buddy list: fetched at every login (2.1.3) and
 * kept by roster pushes (2.1.6), accepted only from the account itself; and edited by the owner's contact.add and
 * contact.remove (section 2.3, 2.5). The parsing is roster.ts's.
 *
 * A roster set replaces the whole item (2.3.2): the item's groups, and its name when the owner gives none, are
 * written back as the server last reported them, so that an edit from here loses nothing another client set.
 */
import { xml, type Client } from "@xmpp/client";
import type { Element } from "ltx";
import type { AdapterContext } from "../../core/adapter.js";
import { GatewayError } from "../../core/errors.js";
import type { Address } from "../../core/model/address.js";
import type { Contact } from "../../core/model/contact.js";
import { xmppUserAddress } from "./addressing.js";
import { isOwnRosterPush, NS_ROSTER, parseRosterQuery, rosterContact, rosterSet, type RosterItem } from "./roster.js";
import { errorCondition } from "./stanzas.js";

const ROSTER_TIMEOUT_MS = 10_000;

/** What the server's refusal of a roster set means for the owner (RFC 6121 2.3.3). */
function editError(error: unknown, jid: string): GatewayError {
  const condition = (error as { condition?: unknown } | undefined)?.condition;
  if (typeof condition !== "string") {
    // No answer in time (or the connection went): the server may not have it; the owner may try again.
    return new GatewayError("GW_ERR_UNAVAILABLE", `the XMPP server did not answer the roster change for ${jid}`, { cause: error, retryable: true });
  }
  const code = condition === "bad-request" || condition === "jid-malformed" ? "GW_ERR_BAD_ADDRESS" : condition === "resource-constraint" ? "GW_ERR_LIMIT_REACHED" : "GW_ERR_FORBIDDEN";
  return new GatewayError(code, `the XMPP server refused the roster change for ${jid}: ${condition}`, { cause: error, condition });
}

export class AccountRoster {
  /** The items as the server last reported them (fetch, pushes), by bare JID: what an edit writes back. */
  private readonly items = new Map<string, RosterItem>();

  constructor(
    private readonly context: AdapterContext,
    private readonly owner: Address,
    /** The account's bare JID, folded: never a contact of its own. */
    private readonly ownJid: string,
  ) {}

  /** Whether the bare JID is on the roster, as the server last reported it. */
  has(jid: string): boolean {
    return this.items.has(jid);
  }

  /** Answers the connection's roster pushes from now on. */
  listen(connection: Client): void {
    connection.iqCallee.set(NS_ROSTER, "query", (context: { readonly stanza: Element }) => this.push(context.stanza));
  }

  /** Section 2.1.3: the roster at login, as contacts of the owner. */
  async fetch(connection: Client): Promise<Contact[]> {
    const answer = await connection.iqCaller.request(xml("iq", { type: "get" }, xml("query", { xmlns: NS_ROSTER })), ROSTER_TIMEOUT_MS);
    const query = answer.getChild("query", NS_ROSTER);
    this.items.clear();
    if (!query) return [];
    const { items, skipped } = parseRosterQuery(query);
    if (skipped.length > 0) this.context.log.warn({ jid: this.ownJid, skipped }, "roster items skipped");
    const kept = items.filter((item) => item.subscription !== "remove" && item.jid !== this.ownJid);
    for (const item of kept) this.items.set(item.jid, item);
    return kept.map((item) => rosterContact(item, this.owner, this.context.account));
  }

  /** Section 2.3: adds `jid` or renames it (`name` undefined: the name it has), in the groups it has. */
  async add(connection: Client, jid: string, name: string | undefined): Promise<void> {
    const known = this.items.get(jid);
    await this.edit(connection, jid, rosterSet(jid, { name: name ?? known?.name, groups: known?.groups ?? [] }));
  }

  /** Section 2.5: removes `jid`, which cancels both subscriptions; an item the server does not have is no error. */
  async remove(connection: Client, jid: string): Promise<void> {
    try {
      await this.edit(connection, jid, rosterSet(jid, "remove"));
    } catch (error: unknown) {
      if (error instanceof GatewayError && error.condition === "item-not-found") return;
      throw error;
    }
  }

  private async edit(connection: Client, jid: string, set: Element): Promise<void> {
    try {
      await connection.iqCaller.request(set, ROSTER_TIMEOUT_MS);
    } catch (error: unknown) {
      throw editError(error, jid);
    }
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
        this.items.delete(item.jid);
        this.context.dispatch({ type: "contact-removed", owner: this.owner, address: xmppUserAddress(item.jid, this.context.account) });
      } else {
        this.items.set(item.jid, item);
        this.context.dispatch({ type: "contact", contact: rosterContact(item, this.owner, this.context.account) });
      }
    }
    return true;
  }
}
