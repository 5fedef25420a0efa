/**
 * An IRC user's message could not be delivered: they get a NOTICE from the person they wrote to (or the gateway),
 * sent to the nick under which they are on the network now, and only when that is still them (line-senders.ts,
 * userhost-lookup.ts): never to whoever merely took their nick. When their line carried their services account
 * (account-tag), that account decides who is them (WHOIS), not user@host (line-senders.ts isSender).
 */
import type { AdapterContext } from "../../core/adapter.js";
import { isBlockRefusal } from "../../core/blocklist.js";
import { hasErrorCode, type GatewayError } from "../../core/errors.js";
import { failureNotice } from "../../core/failure-reports.js";
import type { Address } from "../../core/model/address.js";
import type { Message } from "../../core/model/message.js";
import type { AccountWatch } from "./account-watch.js";
import type { IrcConnection } from "./irc-connection.js";
import type { IrcInbound } from "./irc-inbound.js";
import { isSender } from "./line-senders.js";
import { oneLineText } from "./outgoing-text.js";
import type { PuppetPool } from "./puppet-pool.js";
import { UserhostLookup } from "./userhost-lookup.js";

export interface FailureNoticesParts {
  readonly context: AdapterContext;
  readonly inbound: IrcInbound;
  readonly accounts: AccountWatch;
  readonly puppets: PuppetPool;
  /** The gateway's connection, or GW_ERR_UNAVAILABLE (retryable) while it is not connected. */
  requireMain(): IrcConnection;
}

/** Whom a report goes to: the nick its sender has now, or why nobody (for the log; never the text). */
type ReportTo = { readonly nick: string } | { readonly dropped: string };

export class FailureNotices {
  /** Who holds a nick now, asked of the server for a failure report (userhost-lookup.ts). */
  private readonly userhosts: UserhostLookup;

  constructor(
    private readonly parts: FailureNoticesParts,
    userhosts = new UserhostLookup(),
  ) {
    this.userhosts = userhosts;
  }

  attach(main: IrcConnection): void {
    this.userhosts.attach(main);
  }

  detach(): void {
    this.userhosts.detach();
  }

  /** An IRC user's message could not be delivered: they get a NOTICE from the person they wrote to (or the gateway). */
  async reportFailure(message: Message, recipient: Address, error: GatewayError): Promise<void> {
    // A blocked sender's line still queued when she blocked him: dropped unheard, as a new one is (core/blocklist.ts).
    if (isBlockRefusal(error)) return;
    // Disconnected: the report waits in the store for the network to come back (core/failure-reports.ts).
    this.parts.requireMain();
    let to: ReportTo;
    try {
      to = await this.senderNow(message);
    } catch (lookupError: unknown) {
      if (!hasErrorCode(lookupError, "GW_ERR_RATE_LIMITED")) throw lookupError;
      // The server leaves too many USERHOSTs unanswered: no more are queued behind them (userhost-lookup.ts).
      this.parts.context.log.warn(
        { network: this.parts.context.account, id: message.id, code: error.code, pending: this.userhosts.pending },
        "failure report dropped: too many USERHOST lookups wait for the IRC server's answer",
      );
      return;
    }
    if ("dropped" in to) {
      // The text is theirs alone: not logged.
      this.parts.context.log.info({ network: this.parts.context.account, id: message.id, code: error.code }, `failure report dropped: ${to.dropped}`);
      return;
    }
    const main = this.parts.requireMain();
    const puppet = message.scope === "direct" ? this.parts.puppets.of(recipient) : undefined;
    const connection = puppet?.connection ?? main;
    // The error's text may be another network's (an XMPP server's <text/>): one line, whatever it holds.
    connection.send("NOTICE", [to.nick, oneLineText(failureNotice(recipient, error))]);
  }

  /**
   * The nick under which the person who said `message` is on the network now: the nick they had, as followed
   * through the NICK changes the gateway's connection saw (line-senders.ts), held now (USERHOST) by the sender
   * (isSender): someone logged in to the same services account (WHOIS) where the line was tagged with one, else the
   * same user@host. Never whoever merely took their nick; nobody either for a line the gateway no longer knows (a
   * restart, 10,000 lines ago).
   */
  private async senderNow(message: Message): Promise<ReportTo> {
    const sender = this.parts.inbound.senders.senderOf(message.id);
    if (!sender) return { dropped: "its sender is not known (any more)" };
    const holder = await this.userhosts.lookup(sender.nick);
    if (!holder) return { dropped: "its sender is not on the network now" };
    if (sender.account === undefined) {
      return isSender(sender, holder, undefined) ? { nick: holder.nick } : { dropped: "its sender's nick is held now by another user@host" };
    }
    const holderAccount = await this.parts.accounts.lookup(holder.nick);
    return isSender(sender, holder, holderAccount) ? { nick: holder.nick } : { dropped: "its sender's nick is held now by someone not logged in to the services account its line carried" };
  }
}
