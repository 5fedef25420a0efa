/**
 * Messages of other networks said on IRC (and invitations into rooms, channel-invites.ts): a direct message through its speaker's puppet, a room message in each
 * bridged channel of the room, through the speaker's puppet (puppet mode) or by the gateway's connection with a
 * `<name>` prefix (relay mode, and lines said in one of this network's channels).
 */
import { allConfirmed, roomsToRelayTo, type AdapterContext, type SendResult } from "../../core/adapter.js";
import { GatewayError } from "../../core/errors.js";
import type { Address } from "../../core/model/address.js";
import type { Message } from "../../core/model/message.js";
import { joinedText, wordsAndUrlLine } from "../../core/model/attachments.js";
import type { RoomInvitation } from "../../core/model/room.js";
import { relayPrefix } from "../../core/relay-format.js";
import { replyQuote } from "../../core/model/reply-quote.js";
import { reactionAsAction } from "../../core/model/reactions.js";
import type { IrcNetworkConfig } from "../../config/config-types.js";
import type { BridgedChannels } from "./bridged-channels.js";
import { ChannelInvites } from "./channel-invites.js";
import type { IrcConnection } from "./irc-connection.js";
import { ircAddress, isChannelId } from "./irc-addresses.js";
import { sameName } from "./nicks.js";
import { writeText } from "./outgoing-text.js";
import type { PuppetPool } from "./puppet-pool.js";

/**
 * IRC has no corrections: a corrected message goes out again as a new line marked "* " in front, as IRC users
 * correct themselves by hand (and as other bridges show edits). An action is sent as it is. Nor attachments: each
 * URL the body lacks follows it on a line of URLs (core/model/attachments.ts), so that IRC users get the link; that
 * line is never cut by max_lines_per_message (the words are, to leave it room).
 */
export function correctionText(message: Message): { words: string; urls: string } {
  const { words, urls } = wordsAndUrlLine(message.body, message.attachments);
  const marked = message.replaces === undefined || message.kind === "action" ? (text: string): string => text : (text: string): string => `* ${text}`;
  return words === "" ? { words, urls: urls === "" ? "" : marked(urls) } : { words: marked(words), urls };
}

/**
 * IRC has no replies either: a reply goes out with a line of its own before it, `> name: the answered line's start`
 * (core/model/reply-quote.ts), as Matterbridge quotes and as mail readers show a quote, so IRC users see what is
 * answered. Not before an action (its line would read "* bob > alice: ...") nor a correction (it was quoted once),
 * nor where `maxLines` (max_lines_per_message) leaves the answer no line after it and the line of URLs.
 */
export function ircText(message: Message, maxLines = Number.POSITIVE_INFINITY): { words: string; urls: string } {
  const { words, urls } = correctionText(message);
  // The quote needs a line of the answer after it: where max_lines_per_message leaves none, the answer goes alone.
  const room = maxLines - (urls === "" ? 0 : 1) >= 2;
  const quote = !room || message.replyTo === undefined || message.kind === "action" || message.replaces !== undefined ? undefined : replyQuote(message.replyTo);
  return quote === undefined ? { words, urls } : { words: words === "" ? quote : `${quote}\n${words}`, urls };
}

/** ircText as one text, the line of URLs last. */
export function ircBody(message: Message): string {
  return joinedText(ircText(message));
}

/** Who speaks on IRC for a message: the person an account is linked to (one puppet per person), else the sender. */
function speaker(message: Message): Address {
  return message.person ?? message.from;
}

/**
 * A line's refusal (an error numeric, condition ERR_...) as its message's outcome: final. Some may pass (a nick that
 * comes back, targets changing too fast), but sending the message again would repeat it in every channel of the
 * room and every line before the refused one; its sender hears at once, as they would on IRC. A lost connection
 * (no numeric) stays retryable: the outbox sends the message again after the reconnect.
 */
function finalRefusal(error: unknown): never {
  if (error instanceof GatewayError && error.retryable && error.condition?.startsWith("ERR_") === true) {
    throw new GatewayError(error.code, error.message, { condition: error.condition, retryable: false });
  }
  throw error;
}

export interface OutgoingMessagesParts {
  readonly config: IrcNetworkConfig;
  readonly context: AdapterContext;
  readonly channels: BridgedChannels;
  readonly puppets: PuppetPool;
  /** The gateway's connection, or GW_ERR_UNAVAILABLE (retryable) while it is not connected. */
  requireMain(): IrcConnection;
}

export class OutgoingMessages {
  private readonly invites: ChannelInvites;

  constructor(private readonly parts: OutgoingMessagesParts) {
    this.invites = new ChannelInvites(parts);
  }

  /** An invitation into a gateway room: an INVITE into its channel here (channel-invites.ts). */
  invite(invitation: RoomInvitation): Promise<void> {
    return this.invites.invite(invitation);
  }

  private get account(): string {
    return this.parts.context.account;
  }

  async send(message: Message, recipient: Address = message.to): Promise<SendResult> {
    // A line said on IRC cannot be unsaid: the router sends no retraction here (capabilities.retractions), and one
    // that came anyway is written as nothing, never as an empty line (docs/irc.md, "Retractions").
    if (message.retracts !== undefined) return { delivered: true };
    // Nor reactions: what one adds is said as its sender's action, a removal (or `reactions: off`) as nothing (docs/irc.md, "Reactions").
    if (message.reactsTo !== undefined) {
      const action = this.parts.config.reactions === "text" ? reactionAsAction(message) : undefined;
      return action === undefined ? { delivered: true } : this.send(action, recipient);
    }
    const { config, puppets } = this.parts;
    if (message.scope === "direct" && isChannelId(recipient.id)) {
      throw new GatewayError("GW_ERR_BAD_ADDRESS", `${recipient.id} is a channel: talk there in the room it is bridged to`);
    }
    const voice = speaker(message);
    if (message.scope === "direct" && voice.protocol === "irc" && voice.account === this.account) {
      // Nobody to speak for an IRC user of this network here (a puppet of bob beside bob): they write to the nick themselves.
      throw new GatewayError("GW_ERR_NO_ROUTE", `${voice.id} and ${recipient.id} are both on IRC network ${this.account}: write there directly`);
    }
    const main = this.parts.requireMain();
    if (message.scope === "direct") {
      if (config.mode === "relay") throw new GatewayError("GW_ERR_NO_ROUTE", `IRC network ${this.account} is in relay mode: it carries rooms only`);
      const puppet = await puppets.puppetFor(voice);
      // Its own puppet's nick (claimed when it first connected, maybe only now): the line would come back to the gateway.
      if (sameName(recipient.id, puppet.connection.nick, puppet.connection.server.caseMapping)) {
        throw new GatewayError("GW_ERR_UNKNOWN_RECIPIENT", `${recipient.id} is the sender's own nick on IRC network ${this.account}, made by this gateway`);
      }
      return { delivered: true, ...(await this.deliver(puppet.connection, recipient.id, message)) };
    }
    const bridged = this.parts.channels.ofRoom(message.to);
    // Queued for a bridge an admin has since removed: its sender hears that it was not delivered.
    if (bridged.length === 0) throw new GatewayError("GW_ERR_NO_ROUTE", `${message.to.id} is not bridged to IRC network ${this.account} any more`);
    // Said in one of this network's channels: never sent back there; to the room's others, said by the gateway with
    // a prefix (its IRC sender has no puppet here).
    const channels = roomsToRelayTo(message, "irc", this.account, bridged, (channel) => ircAddress(this.account, channel.channel));
    const fromHere = message.origin.protocol === "irc" && message.origin.account === this.account;
    const confirmations: Promise<void>[] = [];
    for (const channel of channels) {
      if (config.mode === "relay" || fromHere) {
        confirmations.push((await this.deliver(main, channel.channel, message, this.relayPrefix(message))).confirmed);
        continue;
      }
      const puppet = await puppets.puppetFor(speaker(message));
      await puppets.join(puppet, channel.channel, channel.key);
      confirmations.push((await this.deliver(puppet.connection, channel.channel, message)).confirmed);
    }
    return { delivered: true, confirmed: allConfirmed(confirmations) };
  }

  /**
   * Sends a message's lines to `target`. Resolves once written, with the promise that the server confirmed them
   * (SendResult.confirmed), which rejects with the server's refusal of one of them (irc-confirmer.ts: the
   * outbox reports it to the sender).
   */
  private async deliver(connection: IrcConnection, target: string, message: Message, prefix?: string): Promise<{ confirmed: Promise<void> }> {
    const { words, urls } = ircText(message, this.parts.config.max_lines_per_message);
    const options = { maxLines: this.parts.config.max_lines_per_message, tail: urls, ...(prefix === undefined ? {} : { prefix }) };
    const { written, confirmed } = writeText(connection, target, words, message.kind, options);
    await written;
    return { confirmed: confirmed.catch(finalRefusal) }; // in an object: an async function would otherwise wait for it
  }

  private relayPrefix(message: Message): string {
    return relayPrefix(this.parts.config.relay_format, message);
  }
}
