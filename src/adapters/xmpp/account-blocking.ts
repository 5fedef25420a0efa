/**
 * A linked account's server block list (XEP-0191, Blocking Command, version 1.3): a native user's block of a JID
 * (core/blocklist.ts) is also kept by her own XMPP server where it offers it, so that her other clients (a phone)
 * stop getting the JID's messages and presence too.
 *
 * - Section 2: after each login the account's server is asked (disco#info to its domain) whether it offers
 *   `urn:xmpp:blocking`. Without it nothing is pushed, and the gateway's own block still holds.
 * - Section 3.3 and 3.4: a block is `<block><item jid/></block>`, an unblock `<unblock><item jid/></unblock>`, each an
 *   iq set to the account itself. A block or unblock made while the account is online is pushed at once; after each
 *   login (`sync`), the JIDs she blocked that were not pushed yet in this run of the gateway (blocks from before the
 *   link, or made while it was offline) are pushed, and those pushed in this run that she unblocked since are
 *   unblocked: a reconnect with nothing changed sends nothing. The server's own list is neither read nor replaced
 *   (her other clients may keep blocks of their own there), and what her phone takes off it stays off until she
 *   blocks the JID again.
 */
import { xml, type Client } from "@xmpp/client";
import type { Element } from "ltx";
import type { Logger } from "../../core/logger.js";
import { NS } from "./stanzas.js";

export const NS_BLOCKING = "urn:xmpp:blocking";
const BLOCKING_TIMEOUT_MS = 10_000;

/** Whether a disco#info answer (the iq, or its query) lists the blocking command among its features. Pure. */
export function offersBlocking(answer: Element): boolean {
  const query = answer.is("query", NS.discoInfo) ? answer : answer.getChild("query", NS.discoInfo);
  return (query?.getChildren("feature") ?? []).some((feature) => feature.attrs["var"] === NS_BLOCKING);
}

/** The iq that blocks or unblocks one bare JID (section 3.3, 3.4). Pure. */
export function blockingIq(jid: string, blocked: boolean): Element {
  return xml("iq", { type: "set" }, xml(blocked ? "block" : "unblock", { xmlns: NS_BLOCKING }, xml("item", { jid })));
}

export class AccountBlocking {
  private offered = false;
  /** The JIDs this run pushed as blocked to her server (and did not unblock there since). */
  private readonly pushed = new Set<string>();

  constructor(private readonly log: Logger) {}

  /** After a login: whether her server offers the blocking command. */
  async discover(connection: Client, domain: string): Promise<void> {
    this.offered = false;
    try {
      const info = await connection.iqCaller.request(xml("iq", { type: "get", to: domain }, xml("query", { xmlns: NS.discoInfo })), BLOCKING_TIMEOUT_MS);
      this.offered = offersBlocking(info);
    } catch (error: unknown) {
      this.log.debug({ reason: (error as Error).message }, "the server's features not known: blocks kept by the gateway only");
    }
  }

  /** Pushes one block or unblock to her server, where it offers them; rejects with the server's error. */
  async push(connection: Client, jid: string, blocked: boolean): Promise<void> {
    if (!this.offered) return;
    await connection.iqCaller.request(blockingIq(jid, blocked), BLOCKING_TIMEOUT_MS);
    if (blocked) this.pushed.add(jid);
    else this.pushed.delete(jid);
  }

  /**
   * After a login (once `discover` ran): her server is given the JIDs she blocks (`jids`) that this run did not push
   * yet, and told to unblock those it pushed that she no longer blocks. One failure is logged, the others still tried.
   */
  async sync(connection: Client, jids: readonly string[]): Promise<void> {
    if (!this.offered) return;
    const wanted = new Set(jids);
    const changes = [...[...wanted].filter((jid) => !this.pushed.has(jid)).map((jid) => [jid, true] as const), ...[...this.pushed].filter((jid) => !wanted.has(jid)).map((jid) => [jid, false] as const)];
    for (const [jid, blocked] of changes) {
      try {
        await this.push(connection, jid, blocked);
      } catch (error: unknown) {
        this.log.warn({ jid, blocked, reason: (error as Error).message }, "block list not synced with her server for this JID");
      }
    }
  }
}
