/**
 * Invitations into a gateway room for IRC users (core/room-invitations.ts): an IRC user can only come into the room
 * through a channel of their network bridged to it, so the invitation is an INVITE into that channel (RFC 2812 3.2.7),
 * which the sender must be in. In puppet mode the inviter's puppet joins the channel (as for a line it says there)
 * and invites, so the IRC user sees who invites them; in relay mode the gateway's own connection, which is in every
 * bridged channel, invites, and a NOTICE names the inviter. INVITE carries no reason: a reason follows as a NOTICE.
 * A room bridged to no channel of this network is GW_ERR_UNSUPPORTED. The invitation counts as sent once the server
 * answers RPL_INVITING; its refusal (ERR_CHANOPRIVSNEEDED on a +i channel, ERR_NOSUCHNICK, ERR_USERONCHANNEL) is the
 * inviter's error, with the numeric's name.
 */
import type { AdapterContext } from "../../core/adapter.js";
import { awaitReply } from "./awaited-reply.js";
import { GatewayError } from "../../core/errors.js";
import type { RoomInvitation } from "../../core/model/room.js";
import type { IrcNetworkConfig } from "../../config/config-types.js";
import type { BridgedChannels } from "./bridged-channels.js";
import type { IrcConnection } from "./irc-connection.js";
import { isChannelId } from "./irc-addresses.js";
import { sameName } from "./nicks.js";
import { describeNumeric } from "./numerics.js";
import { oneLineText } from "./outgoing-text.js";
import type { PuppetPool } from "./puppet-pool.js";

export interface ChannelInvitesParts {
  readonly config: IrcNetworkConfig;
  readonly context: AdapterContext;
  readonly channels: BridgedChannels;
  readonly puppets: PuppetPool;
  /** The gateway's connection, or GW_ERR_UNAVAILABLE (retryable) while it is not connected. */
  requireMain(): IrcConnection;
}

/** How long the server has to answer an INVITE; beyond it the invitation fails (retryable: it may have gone out). */
const INVITE_TIMEOUT_MS = 10_000;

/**
 * Sends INVITE and waits for the server's answer: RPL_INVITING, or a refusing numeric about the nick or the channel
 * (numerics.ts, operation "invite"), the connection's close or the timeout.
 */
function invited(connection: IrcConnection, nick: string, channel: string): Promise<void> {
  const mapping = connection.server.caseMapping;
  const about = (name: string | undefined): boolean => name !== undefined && (sameName(name, nick, mapping) || sameName(name, channel, mapping));
  return awaitReply(connection, {
    event: "inviting",
    answers: (event) => (sameName(event.nick, nick, mapping) && sameName(event.channel, channel, mapping) ? true : undefined),
    refuses: (failure) => (describeNumeric(failure.numeric)?.operations.includes("invite") === true && about(failure.target) ? failure.error : undefined),
    doing: `inviting ${nick} to ${channel}`,
    timeoutMs: INVITE_TIMEOUT_MS,
    timedOut: () => new GatewayError("GW_ERR_UNAVAILABLE", `no answer to INVITE ${nick} ${channel} within ${INVITE_TIMEOUT_MS} ms`, { retryable: true }),
    send: () => connection.send("INVITE", [nick, channel]),
  });
}

/** Sends one line; resolves once it is written to the socket, rejects with the writer's GatewayError. */
function written(connection: IrcConnection, command: string, params: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => connection.send(command, params, (error) => (error === undefined ? resolve() : reject(error))));
}

export class ChannelInvites {
  constructor(private readonly parts: ChannelInvitesParts) {}

  async invite(invitation: RoomInvitation): Promise<void> {
    const { config, context, channels, puppets } = this.parts;
    const { to, from, room, reason } = invitation;
    if (isChannelId(to.id)) throw new GatewayError("GW_ERR_BAD_ADDRESS", `${to.id} is a channel, not someone to invite`);
    const channel = channels.ofRoom(room)[0];
    if (!channel) throw new GatewayError("GW_ERR_UNSUPPORTED", `${room.id} is bridged to no channel of IRC network ${context.account}: nobody there can join it`);
    const main = this.parts.requireMain();
    // Someone of this network has no puppet here (a puppet beside them would be a second them): the gateway invites.
    const fromHere = from.protocol === "irc" && from.account === context.account;
    let connection = main;
    if (config.mode !== "relay" && !fromHere) {
      const puppet = await puppets.puppetFor(from);
      await puppets.join(puppet, channel.channel, channel.key);
      connection = puppet.connection;
    }
    await invited(connection, to.id, channel.channel);
    const named = connection === main ? `${from.id} invites you to ${channel.channel}` : "";
    const note = [named, reason].filter((part) => part !== "").join(": ");
    if (note !== "") await written(connection, "NOTICE", [to.id, oneLineText(note)]);
  }
}
