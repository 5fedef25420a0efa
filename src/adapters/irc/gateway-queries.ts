/**
 * What IRC users ask of the gateway itself: a query to the gateway's own nick (a command, a link code sent back,
 * else help) and CTCP. CTCP VERSION, PING, TIME and CLIENTINFO queries are answered; other CTCP is ignored.
 * Answers are within each connection's budget (courtesy-replies.ts), so that a flood of questions never holds
 * back the lines of the people a connection carries; a link code sent back is the core's, and always taken.
 */
import { puppetNickShape } from "./bridge-nicks.js";
import { CourtesyReplies } from "./courtesy-replies.js";
import { ctcpReply, type CtcpQueryCommand } from "./ctcp.js";
import { stripFormatting } from "./formatting.js";
import type { IrcConnection, IrcMessageEvent } from "./irc-connection.js";
import type { InboundParts } from "./irc-inbound.js";
import { ircAddress } from "./irc-addresses.js";
import { oneLineText } from "./outgoing-text.js";

const VERSION = "Switchboard gateway";

export class GatewayQueries {
  private readonly replies: CourtesyReplies;

  constructor(private readonly parts: InboundParts) {
    this.replies = new CourtesyReplies(parts.context.log);
  }

  private get network(): string {
    return this.parts.context.account;
  }

  /** A query to the gateway's own nick: a link code sent back (core/identities.ts), else help. */
  async toGateway(main: IrcConnection, event: IrcMessageEvent): Promise<void> {
    try {
      await this.answerGatewayQuery(main, event);
    } catch (error: unknown) {
      this.parts.context.log.warn({ err: error, from: event.from.nick }, "query to the gateway's nick not answered");
    }
  }

  private async answerGatewayQuery(main: IrcConnection, event: IrcMessageEvent): Promise<void> {
    const answer = this.parts.hooks.gatewayCommand?.(event.from.nick, stripFormatting(event.text));
    if (answer !== undefined) {
      if (!this.replies.allow(main, event.from.nick, "command")) return;
      // A line of the answer holds what others wrote (a contact's name, their multi-line status): one line each.
      for (const line of answer) main.send("NOTICE", [event.from.nick, oneLineText(line)]);
      return;
    }
    if (await this.parts.context.serviceMessage(ircAddress(this.network, event.from.nick), stripFormatting(event.text)).catch(() => false)) return;
    if (!this.replies.allow(main, event.from.nick, "help")) return;
    const help =
      this.parts.config.mode === "puppets"
        ? `I am the Switchboard gateway's connection to this network. People of other networks are here as ${puppetNickShape(this.parts.config.puppets.nick_template, this.network)}: write to them directly.`
        : "I am the Switchboard gateway's relay: I carry the bridged channels, not private messages.";
    main.send("NOTICE", [event.from.nick, help]);
  }

  answerCtcp(connection: IrcConnection, nick: string, command: string, args: string): void {
    const known = ["VERSION", "PING", "TIME", "CLIENTINFO"];
    if (!known.includes(command) || !this.replies.allow(connection, nick, `CTCP ${command}`)) return;
    connection.send("NOTICE", [nick, ctcpReply(command as CtcpQueryCommand, args, { version: VERSION, now: Date.now() })]);
  }
}
