/**
 * What the owner asks of a MUC she is in through her linked account (account-mucs.ts) as its moderator or admin, by
 * admin requests (XEP-0045 muc#admin iqs) that `ask` sends and awaits: a kick (section 8.2), a ban of a JID (9.1:
 * affiliation outcast), its lifting (9.2: affiliation none, only for a JID the ban list holds, which would else take
 * a member's affiliation away) and the ban list (9.1). The room's refusals read as account-muc-requests.ts says
 * (GW_ERR_FORBIDDEN where she has not the right).
 *
 * A ban is of a JID: an occupant is banned by their real JID, which the room shows to its moderators (or to all in a
 * non-anonymous room) on their presence; where it does not, the ban is refused (GW_ERR_UNSUPPORTED), as the occupant's
 * nick names nobody the room can keep out. Anyone else is named by their XMPP address (`xmpp:romeo@example.org`).
 */
import type { Element } from "ltx";
import { GatewayError } from "../../core/errors.js";
import type { Address } from "../../core/model/address.js";
import type { OwnRoomBan } from "../../core/adapter.js";
import type { AccountMucs } from "./account-mucs.js";
import { affiliationRequest, iqRefusal, kickRequest, outcastListRequest, outcastsOf } from "./account-muc-requests.js";
import { addressToXmppJid, xmppUserAddress } from "./addressing.js";

/** Sends an admin request and resolves with the room's result; rejects with the room's error or a timeout. */
export type AskRoom = (iq: Element) => Promise<Element | undefined>;

export class AccountMucModeration {
  constructor(
    private readonly mucs: Pick<AccountMucs, "ownRoom" | "occupantJid" | "occupantIdentity">,
    /** Her account's bare JID (folded), whom she cannot ban. */
    private readonly ownJid: string,
    private readonly account: string,
    private readonly ask: AskRoom,
  ) {}

  /** She kicks an occupant (section 8.2: a moderator may). */
  async kick(room: Address, occupant: Address, reason: string): Promise<void> {
    this.joined(room);
    const jid = this.mucs.occupantJid(occupant);
    if (jid === undefined || !jid.startsWith(`${room.id}/`)) throw new GatewayError("GW_ERR_NOT_FOUND", `${occupant.id} is nobody in ${room.id}`);
    await this.request(room, kickRequest(room.id, jid.slice(room.id.length + 1), reason), "kick them");
  }

  /** She bans a person (section 9.1: an admin may): an occupant by their real JID, anyone else by their XMPP address. */
  async ban(room: Address, person: Address, reason: string): Promise<void> {
    this.joined(room);
    await this.request(room, affiliationRequest(room.id, this.jidOf(room, person), "outcast", reason), "ban them");
  }

  /** She lifts a ban (section 9.2): GW_ERR_NOT_FOUND for a JID the ban list does not hold. */
  async unban(room: Address, person: Address): Promise<void> {
    const jid = this.jidOf(room, person);
    if (!(await this.outcasts(room)).some((ban) => ban.jid.toLowerCase() === jid)) throw new GatewayError("GW_ERR_NOT_FOUND", `${jid} is not banned from ${room.id}`);
    await this.request(room, affiliationRequest(room.id, jid, "none", ""), "lift bans");
  }

  /** The room's ban list, as the room gives it (who banned and when, a MUC does not tell). */
  async bans(room: Address): Promise<OwnRoomBan[]> {
    return (await this.outcasts(room)).flatMap(({ jid, reason }) => {
      try {
        return [{ person: xmppUserAddress(jid, this.account), reason }];
      } catch {
        return []; // a JID the room holds that is no JID: nobody to show
      }
    });
  }

  private async outcasts(room: Address): Promise<ReturnType<typeof outcastsOf>> {
    this.joined(room);
    return outcastsOf(await this.request(room, outcastListRequest(room.id), "see its bans"));
  }

  /** The bare JID a ban names: an occupant's real JID (GW_ERR_NOT_FOUND for nobody there, GW_ERR_UNSUPPORTED when the room hides it), else the address's. */
  private jidOf(room: Address, person: Address): string {
    const occupant = this.mucs.occupantJid(person);
    let jid: string;
    if (occupant !== undefined) {
      if (!occupant.startsWith(`${room.id}/`)) throw new GatewayError("GW_ERR_NOT_FOUND", `${person.id} is nobody in ${room.id}`);
      const identity = this.mucs.occupantIdentity(person);
      if (identity === undefined) throw new GatewayError("GW_ERR_NOT_FOUND", `${person.id} is nobody in ${room.id}`);
      if (identity.realJid === undefined) throw new GatewayError("GW_ERR_UNSUPPORTED", `${room.id} does not show you ${identity.nick}'s real JID: ban them by their XMPP address`);
      jid = identity.realJid;
    } else {
      jid = addressToXmppJid(person).toLowerCase();
    }
    if (jid === this.ownJid) throw new GatewayError("GW_ERR_BAD_FRAME", "you cannot ban yourself");
    return jid;
  }

  private joined(room: Address): void {
    if (this.mucs.ownRoom(room) === undefined) throw new GatewayError("GW_ERR_NOT_MEMBER", `you are not in ${room.id}`);
  }

  private async request(room: Address, iq: Element, what: string): Promise<Element | undefined> {
    return this.ask(iq).catch((error: unknown) => {
      throw iqRefusal(error, room.id, what);
    });
  }
}
