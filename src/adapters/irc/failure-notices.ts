/**
 * An IRC user's message could not be delivered: they get a NOTICE from the person they wrote to (or the gateway),
 * sent to the nick under which they are on the network now, and only when that is still them (line-senders.ts,
 * userhost-lookup.ts): never to whoever merely took their nick.
 */
import type { AdapterContext } from "../../core/adapter.js";
import { hasErrorCode, type GatewayError } from "../../core/errors.js";
import { failureNotice } from "../../core/failure-reports.js";
import type { Address } from "../../core/model/address.js";
import type { Message } from "../../core/model/message.js";
import type { AccountWatch } from "./account-watch.js";
import type { IrcConnection } from "./irc-connection.js";
import type { IrcInbound } from "./irc-inbound.js";
import { samePerson } from "./line-senders.js";
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
    // Disconnected: the report waits in the store for the network to come back (core/failure-reports.ts).
    this.parts.requireMain();
    let nick: string | undefined;
    try {
      nick = await this.senderNickNow(message);
    } catch (lookupError: unknown) {
      if (!hasErrorCode(lookupError, "GW_ERR_RATE_LIMITED")) throw lookupError;
      // The server leaves too many USERHOSTs unanswered: no more are queued behind them (userhost-lookup.ts).
      this.parts.context.log.warn(
        { network: this.parts.context.account, id: message.id, code: error.code, pending: this.userhosts.pending },
        "failure report dropped: too many USERHOST lookups wait for the IRC server's answer",
      );
      return;
    }
    if (nick === undefined) {
      // The text is theirs alone: not logged.
      this.parts.context.log.info({ network: this.parts.context.account, id: message.id, code: error.code }, "failure report dropped: its sender is not on the network now (or the gateway cannot tell them from whoever holds their nick)");
      return;
    }
    const main = this.parts.requireMain();
    const puppet = message.scope === "direct" ? this.parts.puppets.of(recipient) : undefined;
    const connection = puppet?.connection ?? main;
    // The error's text may be another network's (an XMPP server's <text/>): one line, whatever it holds.
    connection.send("NOTICE", [nick, oneLineText(failureNotice(recipient, error))]);
  }

  /**
   * The nick under which the person who said `message` is on the network now, or undefined: the nick they had, as
   * followed through the NICK changes the gateway's connection saw (line-senders.ts), held now (USERHOST) by the
   * same user@host, or by the same services account where the line was tagged with one (WHOIS). Never whoever
   * merely took their nick; undefined too for a line the gateway no longer knows (a restart, 10,000 lines ago).
   */
  private async senderNickNow(message: Message): Promise<string | undefined> {
    const sender = this.parts.inbound.senders.senderOf(message.id);
    if (!sender) return undefined;
    const holder = await this.userhosts.lookup(sender.nick);
    if (!holder) return undefined;
    if (samePerson(sender, holder)) return holder.nick;
    if (sender.account === undefined) return undefined;
    return (await this.parts.accounts.lookup(holder.nick)) === sender.account ? holder.nick : undefined;
  }
}
