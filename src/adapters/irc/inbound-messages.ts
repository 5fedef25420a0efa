/**
 * What IRC users say, in the core model: PRIVMSG/NOTICE/ACTION in a bridged channel -> a room message of the
 * bridged native room, from irc://<network>/<nick> under the nick (formatting codes stripped); lines from the
 * gateway's own nicks (the listener, puppets) are its own echo and ignored, and those of other bridges never
 * relayed; a query to the listener -> gateway-queries.ts; a query to a puppet -> a direct message to its person;
 * TOPIC -> the room's subject. A line's server-time noticeably earlier than now is when it was said (`sentAt`). Each is submitted in arrival order (ordered-submit.ts), its sender remembered
 * (line-senders.ts).
 */
import { isBlockRefusal } from "../../core/blocklist.js";
import { GatewayError } from "../../core/errors.js";
import { failureNotice } from "../../core/failure-reports.js";
import { addressKey, type Address } from "../../core/model/address.js";
import type { Message, MessageKind } from "../../core/model/message.js";
import { puppetNickShape } from "./bridge-nicks.js";
import { stripFormatting } from "./formatting.js";
import type { GatewayQueries } from "./gateway-queries.js";
import type { IrcConnection, IrcMessageEvent } from "./irc-connection.js";
import type { InboundParts } from "./irc-inbound.js";
import type { IrcPerson } from "./line-senders.js";
import { ircAddress, nativeRoom } from "./irc-addresses.js";
import { lineSentAt } from "./irc-line.js";
import { oneLineText } from "./outgoing-text.js";
import { OrderedSubmitter } from "./ordered-submit.js";
import type { Puppet } from "./puppet.js";

function coreKind(kind: IrcMessageEvent["kind"]): MessageKind {
  return kind === "privmsg" ? "text" : kind;
}

export class InboundMessages {
  private readonly submitter: OrderedSubmitter;
  /** Nicks told once that their lines are not relayed because they look like puppets (ASCII lower case). */
  private readonly toldLookalikes = new Set<string>();

  constructor(
    private readonly parts: InboundParts,
    private readonly queries: GatewayQueries,
  ) {
    this.submitter = new OrderedSubmitter((draft, options) => parts.context.submit(draft, options));
  }

  private get network(): string {
    return this.parts.context.account;
  }

  /** A line on the gateway's connection: in a bridged channel, or a query to its nick. */
  fromMain(main: IrcConnection, event: IrcMessageEvent): void {
    const channel = this.parts.hooks.channel(event.target);
    if (this.parts.bridges.isBridge(event.from.nick)) {
      if (channel && event.kind !== "notice") this.tellLookalike(main, event.from.nick, channel.channel);
      return;
    }
    if (channel) {
      // A line of formatting codes alone shows nothing on IRC either: not passed on as an empty message.
      if (stripFormatting(event.text) === "") return;
      // Who said it, taken now: by the time a failure is reported, someone else may hold the nick.
      const sender = this.parts.senders.said(event.from, event.tags["account"]);
      void this.submitter
        .offer({
          origin: { protocol: "irc", account: this.network, ...(event.tags["msgid"] === undefined ? {} : { id: event.tags["msgid"] }) },
          scope: "room",
          kind: coreKind(event.kind),
          from: ircAddress(this.network, event.from.nick),
          to: nativeRoom(channel.room),
          // The channel it was said in: never sent back there, and relayed to the room's other channels of this network.
          hops: [addressKey(ircAddress(this.network, channel.channel))],
          senderName: event.from.nick,
          body: stripFormatting(event.text),
          ...lineSentAt(event.time),
        }, this.remember(sender))
        .catch((error: unknown) => this.parts.context.log.warn({ err: error, channel: event.target }, "IRC channel message not relayed"));
      return;
    }
    if (event.target.toLowerCase() === main.nick.toLowerCase() && event.kind !== "notice") void this.queries.toGateway(main, event);
  }

  /**
   * Someone not of this gateway whose nick fits the puppet template said something in a bridged channel: not
   * relayed (it may be another instance's puppet: no loops), and, in case it is a person, told once why (a NOTICE:
   * never answered, so another instance's puppet lets it be) and logged. Another bridge's nick (ignore_nicks) is
   * expected to be silent here, and told nothing.
   */
  private tellLookalike(main: IrcConnection, nick: string, channel: string): void {
    const key = nick.toLowerCase();
    if (this.toldLookalikes.has(key) || !this.parts.bridges.isLookalike(nick)) return;
    if (this.toldLookalikes.size >= 1000) this.toldLookalikes.clear();
    this.toldLookalikes.add(key);
    this.parts.context.log.info({ nick, channel, template: this.parts.config.puppets.nick_template }, "lines from a nick that fits the puppet template are not relayed: told once");
    try {
      main.send("NOTICE", [nick, `Your lines in ${channel} are not relayed to the other side of the bridge: nicks like ${puppetNickShape(this.parts.config.puppets.nick_template, this.network)} are this gateway's puppets. Change your nick to be heard there.`]);
    } catch (error: unknown) {
      this.parts.context.log.debug({ err: error }, "lookalike NOTICE not sent");
    }
  }

  /** A line on a puppet's connection: a query to it is a direct message to its person (never a NOTICE). */
  toPuppet(puppet: Puppet, event: IrcMessageEvent): void {
    const connection = puppet.connection;
    if (event.target.toLowerCase() !== connection.nick.toLowerCase() || this.parts.hooks.isOwnNick(event.from.nick)) return;
    if (event.kind === "notice") return; // RFC 2812 section 3.3.2: never answered automatically; often a service's chatter
    this.submitDirect(event, puppet.person, (text) => connection.send("NOTICE", [event.from.nick, oneLineText(text)]));
  }

  /** A query to a puppet: a direct message to its person; refused, the IRC user is told why (`tell`, a NOTICE). */
  private submitDirect(event: IrcMessageEvent, person: Address, tell: (text: string) => void): void {
    if (stripFormatting(event.text) === "") return; // nothing to show, as in a channel
    const from = ircAddress(this.network, event.from.nick);
    const sender = this.parts.senders.said(event.from, event.tags["account"]);
    void this.submitter
      .offer({
        origin: { protocol: "irc", account: this.network },
        scope: "direct",
        kind: coreKind(event.kind),
        from,
        to: person,
        senderName: event.from.nick,
        body: stripFormatting(event.text),
        ...lineSentAt(event.time),
      }, this.remember(sender))
      .catch((error: unknown) => {
        // Dropped unheard, as IRC's /ignore: the blocked sender is told nothing (core/blocklist.ts).
        if (isBlockRefusal(error)) return this.parts.context.log.debug({ from: event.from.nick }, "IRC query from a blocked nick dropped");
        const gatewayError = error instanceof GatewayError ? error : new GatewayError("GW_ERR_INTERNAL", "not delivered");
        this.parts.context.log.info({ err: gatewayError, from: event.from.nick }, "IRC query not accepted");
        try {
          tell(failureNotice(person, gatewayError));
        } catch (sendError: unknown) {
          this.parts.context.log.debug({ err: sendError }, "refusal NOTICE not sent");
        }
      });
  }

  /**
   * Records who said a line under its gateway id as soon as it has one: a network that refuses it at once has its
   * failure reported before the submit resolves (SubmitOptions.onAccepted), and the report needs the sender.
   */
  private remember(sender: IrcPerson | undefined): ((message: Message) => void) | undefined {
    return sender && ((message) => this.parts.senders.accepted(message.id, sender));
  }

  /** TOPIC (and RPL_TOPIC at join) in a bridged channel: its room's subject. */
  topic(channelName: string, topic: string, by: string | undefined): void {
    const channel = this.parts.hooks.channel(channelName);
    if (!channel || (by !== undefined && this.parts.bridges.isBridge(by))) return;
    const author = by === undefined ? ircAddress(this.network, channel.channel) : ircAddress(this.network, by);
    this.parts.context.dispatch({ type: "topic", room: nativeRoom(channel.room), topic: stripFormatting(topic), by: author });
  }
}
