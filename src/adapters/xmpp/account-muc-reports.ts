/**
 * What the owner's sessions are told of the MUCs her linked account is in (account-mucs.ts), as core events of her
 * room `xmpp://u.alice/room@conference.example.org`: she is back in after a restart, who came, left and changed while
 * she was not shown the room, she was put out (kicked, banned, the room destroyed) or refused at a join again, her own
 * nick or role changed by the room, and a new subject.
 */
import type { AdapterContext } from "../../core/adapter.js";
import type { GatewayError } from "../../core/errors.js";
import type { Address } from "../../core/model/address.js";
import type { RoomMember } from "../../core/model/room.js";
import type { MembersResync } from "../../util/shown-members.js";
import type { Element } from "ltx";
import type { AccountMucOccupants } from "./account-muc-occupants.js";
import type { JoinedMuc } from "./account-muc-state.js";

export class AccountMucReports {
  constructor(
    private readonly context: AdapterContext,
    private readonly owner: Address,
    private readonly occupants: AccountMucOccupants,
  ) {}

  /** She as a member of the room, as the room shows her now. */
  self(state: JoinedMuc): RoomMember {
    return { address: this.owner, nick: state.nick, role: state.role };
  }

  /** The room's list again (a join again): back after a restart, her sessions learn it as of a join, hers first, then who is in it. */
  listedAgain(muc: string, state: JoinedMuc, restored: boolean, { joined, left, changed }: MembersResync<RoomMember>): void {
    const room = this.occupants.roomAddress(muc);
    if (restored) this.context.dispatch({ type: "member-joined", room, member: this.self(state) });
    for (const member of left) this.context.dispatch({ type: "member-left", room, member });
    for (const member of joined) this.context.dispatch({ type: "member-joined", room, member });
    for (const { before, after } of changed) this.context.dispatch({ type: "member-changed", room, member: before, changed: after });
  }

  /** Her occupant is out of the room without her asking (kicked, banned, the room destroyed). */
  putOut(muc: string, state: JoinedMuc, codes: readonly string[], item: Element | undefined): void {
    const by = (item?.getChild("actor")?.attrs["nick"] as string | undefined) ?? muc;
    const reason = item?.getChildText("reason") ?? "";
    this.context.log.info({ muc, codes }, "the linked account is out of a MUC");
    this.context.dispatch({ type: "member-left", room: this.occupants.roomAddress(muc), member: this.self(state), removal: { by, reason, ...(codes.includes("301") ? { ban: true } : {}) } });
  }

  /** The room would not take her back (a join again): she is told why (the core forgets it too). */
  refused(muc: string, state: JoinedMuc, refusal: GatewayError): void {
    this.context.log.info({ muc, code: refusal.code, reason: refusal.message }, "the MUC refused to take the linked account back: forgotten");
    this.context.dispatch({ type: "member-left", room: this.occupants.roomAddress(muc), member: this.self(state), removal: { by: muc, reason: refusal.message, refused: refusal.code } });
  }

  /** Her nick or role changed, shown as a change of hers. */
  changed(muc: string, before: RoomMember, after: RoomMember): void {
    this.context.dispatch({ type: "member-changed", room: this.occupants.roomAddress(muc), member: before, changed: after });
  }

  /** A new subject, set by the occupant `nick` (none: the room itself). */
  topic(muc: string, topic: string, nick: string): void {
    this.context.dispatch({ type: "topic", room: this.occupants.roomAddress(muc), topic, ...(nick === "" ? {} : { by: this.occupants.occupantAddress(muc, nick) }) });
  }
}
