/**
 * Invitations into the gateway's rooms, XEP-0045 section 7.8.2 (mediated invitations): an occupant sends
 * `<message to='room'><x xmlns='muc#user'><invite to='juliet@example.org'><reason/></invite></x></message>` to the
 * room JID, and the room sends the invitee `<invite from='inviter'>` from its own JID, `from` being the inviter's bare
 * JID as the XEP says the room adds it (a gateway JID, `alice@gateway`, for a native or IRC inviter). Every MUC client
 * shows those (Gajim, Conversations, Dino); a plain body says the same for clients that do not. The invitee may
 * answer with `<decline to='inviter'>` to the room, which goes back to the inviter (core/room-invitations.ts, only for
 * an invitation made). XEP-0249 direct invitations are not sent: they come from the inviter's own JID, which a native
 * or IRC inviter has only on the gateway's domain, and the clients that matter take mediated ones.
 * Who may invite, and how often, is the core's decision; here are the stanzas and their mapping.
 */
import { xml } from "@xmpp/component";
import type { Element } from "ltx";
import type { AdapterContext } from "../../core/adapter.js";
import { GatewayError, toGatewayError } from "../../core/errors.js";
import type { Address } from "../../core/model/address.js";
import type { RoomInvitation } from "../../core/model/room.js";
import { addressToJid, addressToXmppJid, jidToAddress, parseJid, withoutResource, xmppUserAddress } from "./addressing.js";
import { stanzaConditionFor } from "./error-conditions.js";
import type { RoomOccupancy } from "./room-occupancy.js";
import type { RoomOutput } from "./room-output.js";
import { NS } from "./stanzas.js";
import { stripInvalidXmlChars as safe } from "./xml-safety.js";

/** The invites and declines one message to a room carries (an <x xmlns='muc#user'/> may hold several). */
export interface InvitationPayload {
  readonly invites: readonly { readonly to: string; readonly reason: string }[];
  readonly declines: readonly { readonly to: string; readonly reason: string }[];
}

/** More invites than this in one stanza are not read: each costs a lookup and counts against the inviter's hour. */
const MAX_INVITES_PER_STANZA = 5;

/** The invites and declines of a message to a room, or undefined when it carries none. Pure. */
export function invitationPayload(stanza: Element): InvitationPayload | undefined {
  const x = stanza.getChild("x", NS.mucUser);
  if (!x) return undefined;
  const read = (name: string): { to: string; reason: string }[] =>
    x.getChildren(name).map((child) => ({ to: String(child.attrs["to"] ?? ""), reason: child.getChildText("reason") ?? "" }));
  const invites = read("invite").slice(0, MAX_INVITES_PER_STANZA);
  const declines = read("decline").slice(0, 1);
  return invites.length === 0 && declines.length === 0 ? undefined : { invites, declines };
}

/** The mediated invitation the room sends the invitee (XEP-0045 7.8.2, example 58), with a body for other clients. */
export function mediatedInvitation(roomJid: string, to: string, inviterJid: string, reason: string): Element {
  const text = `${inviterJid} invites you to the room ${roomJid}${reason === "" ? "" : `: ${reason}`}`;
  return xml(
    "message",
    { from: safe(roomJid), to },
    xml("x", { xmlns: NS.mucUser }, xml("invite", { from: safe(inviterJid) }, ...(reason === "" ? [] : [xml("reason", {}, safe(reason))]))),
    xml("body", {}, safe(text)),
  );
}

/** A decline the room forwards to the inviter (XEP-0045 7.8.2, example 61). */
export function forwardedDecline(roomJid: string, to: string, inviteeJid: string, reason: string): Element {
  return xml("message", { from: safe(roomJid), to }, xml("x", { xmlns: NS.mucUser }, xml("decline", { from: safe(inviteeJid) }, ...(reason === "" ? [] : [xml("reason", {}, safe(reason))]))));
}

export class RoomInvitationStanzas {
  constructor(
    private readonly domain: string,
    private readonly context: AdapterContext,
    private readonly occupancy: RoomOccupancy,
    private readonly output: RoomOutput,
  ) {}

  /**
   * The address a JID of an invite or decline names: someone behind the gateway on its domain (`bob@gateway` a native
   * user, `bob%libera@gateway` an IRC user), else an XMPP user by their bare JID. GW_ERR_BAD_ADDRESS.
   */
  private addressOf(jid: string): Address {
    if (jid === "") throw new GatewayError("GW_ERR_BAD_ADDRESS", "the invitation names nobody: give it a 'to'");
    const { domain } = parseJid(jid);
    if (domain.toLowerCase() === this.domain.toLowerCase()) return jidToAddress(jid, this.domain);
    return xmppUserAddress(withoutResource(jid), this.context.account);
  }

  /** A person's JID as an invitee or inviter sees it: their own for an XMPP user, else their gateway JID. */
  jidOf(address: Address): string {
    return address.protocol === "xmpp" ? addressToXmppJid(address) : addressToJid(address, this.domain);
  }

  /**
   * A message to a room's bare JID with invites or declines: an occupant's invites go to the core, one by one, and
   * the first refused is answered with its error (forbidden for a session not in the room, as Prosody does); a
   * decline (from the invitee, no occupant) goes back to its inviter when the core knows the invitation.
   */
  async handle(stanza: Element, payload: InvitationPayload, fromJid: string, person: Address, room: Address): Promise<void> {
    const hub = this.occupancy.hubOf(room);
    for (const decline of payload.declines) {
      try {
        const told = await this.context.declineInvitation({ room: hub, from: person, to: this.addressOf(decline.to), reason: decline.reason });
        if (!told) this.context.log.info({ from: fromJid, room: hub.id }, "decline of no invitation made: dropped");
      } catch (error: unknown) {
        this.context.log.info({ err: error, from: fromJid }, "XMPP decline not forwarded");
      }
    }
    if (payload.invites.length === 0) return;
    if (!this.occupancy.occupant(room, fromJid)) return this.output.refuse(stanza, "auth", "forbidden", "join the room before inviting anyone into it");
    try {
      for (const invite of payload.invites) await this.context.inviteToRoom({ room: hub, from: person, to: this.addressOf(invite.to), reason: invite.reason });
    } catch (error: unknown) {
      const gatewayError = toGatewayError(error);
      const { type, condition } = stanzaConditionFor(gatewayError.code);
      await this.output.refuse(stanza, type, condition, gatewayError.message);
    }
  }

  /** The core's invitation to an XMPP user: the mediated invitation from the room's JID. */
  invitationStanza(invitation: RoomInvitation): Element {
    return mediatedInvitation(this.roomJid(invitation.room), addressToXmppJid(invitation.to), this.jidOf(invitation.from), invitation.reason);
  }

  /** The core's decline to an XMPP inviter: forwarded from the room's JID. */
  declineStanza(decline: RoomInvitation): Element {
    return forwardedDecline(this.roomJid(decline.room), addressToXmppJid(decline.to), this.jidOf(decline.from), decline.reason);
  }

  /** A room bridged on demand has a hub with no JID of its own (`#chan%libera`): invite there by its channel instead. */
  private roomJid(room: Address): string {
    try {
      return addressToJid(room, this.domain);
    } catch (error: unknown) {
      throw new GatewayError("GW_ERR_UNSUPPORTED", `${room.id} is a channel joined on demand: invite into its channel on its own network`, { cause: error });
    }
  }
}
