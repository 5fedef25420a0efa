/**
 * The MUCs a linked account (user-adapter.ts) joins for its owner (core/own-rooms.ts), the BitlBee way: the room
 * `xmpp://u.alice/room@conference.example.org` is her view of room@conference.example.org, joined under her nick.
 *
 * - room.join: the join presence (account-muc-join.ts: no history, her password when given); the answer waits for
 *   the room's self-presence (status 110), with the occupants listed before it, or its refusal, at most 10 s.
 * - Occupants (account-muc-occupants.ts) come and go as the room's bridged people (`member-joined`, `member-left`,
 *   `member-changed` for a rename or a role); each is `xmpp://u.alice/room@conference.example.org/<nick>`.
 * - Lines both ways: account-muc-lines.ts; what a room with an archive said while she was out, at each join again:
 *   account-muc-catch-up.ts, both through account-muc-messages.ts. What her sessions are told of her rooms (she put out,
 *   refused, changed): account-muc-reports.ts.
 * - The subject (a groupchat message with <subject/> and no body) is shown when it changes. She sets it, and takes
 *   another nick, through account-muc-changes.ts; her own nick or role changed by the room is shown as a change of hers.
 * - Rooms she left (or was put out of) in this run are still known as rooms (the last LEFT_KEPT), so that a chat to
 *   one's bare JID is refused, not sent to bounce.
 * - Private messages (XEP-0045 7.5: `chat` from or to room@service/nick) are the owner's chats with the occupant's
 *   address (occupantAt, occupantJid), carried by the account's chats (account-inbound.ts, user-adapter.ts).
 * - The rooms she joined are remembered while the daemon runs: joined again after each login. Across a restart the core
 *   keeps them (core/kept-own-rooms.ts) and gives them at construction: joined at the first login, and once in, her
 *   sessions are told as of a join (`member-joined` of her, then of each occupant). A join again that the room refuses
 *   (gone, her ban, a changed password, her nick taken) forgets the room and tells her (`member-left` of her, the
 *   refusal's code in `removal.refused`), which makes the core forget it too: it is never tried again in a loop. A room
 *   that does not answer, or a lost connection, is tried again at the next login. Her account going unavailable (her
 *   sessions all gone) makes the rooms drop her: she is joined again at once (unavailable()), and a room.join of hers
 *   still waiting for the room's answer is answered by that join again (account-muc-answer.ts).
 */
import type { Element } from "ltx";
import type { AdapterContext, SendResult } from "../../core/adapter.js";
import { GatewayError, toGatewayError } from "../../core/errors.js";
import type { RoomToRejoin } from "../../core/kept-own-rooms.js";
import { sameAddress, type Address } from "../../core/model/address.js";
import type { Message } from "../../core/model/message.js";
import type { Room, RoomMember, RoomRole } from "../../core/model/room.js";
import { randomUUID } from "node:crypto";
import { checkMucNick, isMucJid, mucJoinPresence, mucJoinRefusal, mucLeavePresence } from "./account-muc-join.js";
import { awaitJoinAnswer } from "./account-muc-answer.js";
import { MucChanges } from "./account-muc-changes.js";
import { mediatedInvitation } from "./account-muc-requests.js";
import { AccountMucOccupants, occupantOf } from "./account-muc-occupants.js";
import { AccountMucLines } from "./account-muc-lines.js";
import type { OccupantIdentity } from "./muc-occupants.js";
import { readRoomPresence } from "./account-muc-presence.js";
import { parseJid } from "./addressing.js";
import { parseStanzaError } from "./parse.js";
import { stripInvalidXmlChars } from "./xml-safety.js";
import type { AccountMucCatchUp, AskRoom } from "./account-muc-catch-up.js";
import { MucFeatures } from "./muc-features.js";
import { AccountMucMessages } from "./account-muc-messages.js";
import { AccountMucReports } from "./account-muc-reports.js";
import { LEFT_KEPT, TRIED_AGAIN, type JoinedMuc } from "./account-muc-state.js";

export class AccountMucs {
  /** The rooms she joined (bare JID, lower case): remembered across reconnects. */
  private readonly rooms = new Map<string, JoinedMuc>();
  private readonly occupants: AccountMucOccupants;
  private readonly lines: AccountMucLines;
  /** The rooms she left or was put out of in this run, oldest first (bare JID, lower case). */
  private readonly left = new Set<string>();
  private readonly changes: MucChanges;
  private readonly archive: AccountMucCatchUp;
  private readonly reports: AccountMucReports;
  private readonly messages: AccountMucMessages;
  /** What each room announced at her join (muc-features.ts). */
  private readonly features: MucFeatures;

  constructor(
    private readonly context: AdapterContext,
    private readonly owner: Address,
    private readonly write: (element: Element) => Promise<void>,
    /** The rooms she joined before the daemon's restart (core/kept-own-rooms.ts): joined at the first login. */
    kept: readonly RoomToRejoin[] = [],
    /** Sends an iq to a room and awaits its answer (the archive's catch-up, account-muc-catch-up.ts). */
    ask: AskRoom = () => Promise.reject(new GatewayError("GW_ERR_UNSUPPORTED", "no iqs to rooms")),
  ) {
    this.changes = new MucChanges(write);
    this.occupants = new AccountMucOccupants(context);
    this.reports = new AccountMucReports(context, owner, this.occupants);
    this.features = new MucFeatures(context.log, ask);
    this.lines = new AccountMucLines(context, write, this.features);
    const parts = { changes: this.changes, lines: this.lines, occupants: this.occupants, reports: this.reports };
    this.messages = new AccountMucMessages(context, (muc) => this.rooms.get(muc), parts, ask, this.features);
    this.archive = this.messages.archive;
    for (const { room, nick, key, archiveMark } of kept) {
      if (room.protocol !== "xmpp" || room.account !== context.account || !isMucJid(room.id) || nick === "") continue;
      this.rooms.set(room.id, { nick, password: key, role: "member", subject: "", restored: true });
      if (archiveMark !== undefined) this.archive.restore(room.id, archiveMark);
    }
  }

  /** The account joins `room` under `nick`; resolves with the room once the MUC took it in. */
  async join(room: Address, nick: string, password: string | undefined): Promise<Room> {
    const muc = room.id;
    if (!isMucJid(muc)) throw new GatewayError("GW_ERR_BAD_ADDRESS", `${muc} is not a room's bare JID (room@conference.example.org)`);
    const known = this.rooms.get(muc);
    if (known?.joining) await known.joining; // joined again after a login: that join answers
    if (known && known.restored !== true) return this.roomOf(muc, known);
    if (known) this.forget(muc); // kept from before a restart, not joined again yet: joined now, as she asks
    checkMucNick(nick);
    const state: JoinedMuc = { nick, password, role: "member", subject: "" };
    this.rooms.set(muc, state);
    try {
      await this.enter(muc, state);
    } catch (error: unknown) {
      this.forget(muc);
      // A room that answers after the timeout would keep the account in it unseen: it leaves (harmless after a refusal).
      await this.write(mucLeavePresence(muc, nick)).catch(() => undefined);
      throw error;
    }
    return this.roomOf(muc, state);
  }

  /**
   * She leaves: unavailable presence to the room, which is forgotten (not joined again). Without a connection to
   * write it on, she is out already (the room dropped her occupant with the connection): the leave is done all the
   * same, so that the core forgets the room too and a restart does not join it again. A room kept from before a
   * restart and not joined again yet (its join pending, or failed and waiting for the next login) is left the same
   * way: else it could never be left, and would be tried at every login. GW_ERR_NOT_MEMBER for a room she has not.
   */
  async leave(room: Address): Promise<void> {
    const state = this.rooms.get(room.id);
    if (!state) throw new GatewayError("GW_ERR_NOT_MEMBER", `you are not in ${room.id}`);
    this.forget(room.id);
    this.remember(room.id);
    // A join waiting for its answer ends now (the leave presence below takes her out if the room answers it later).
    state.waiter?.reject(new GatewayError("GW_ERR_NOT_MEMBER", `you left ${room.id} before it answered`));
    await this.write(mucLeavePresence(room.id, state.nick)).catch((error: unknown) => this.context.log.info({ err: error, muc: room.id }, "MUC left without a connection to say so"));
  }

  /** The room as the account is in it: she first, then its occupants as shown to her; undefined when she did not join it. */
  ownRoom(room: Address): Room | undefined {
    const state = this.rooms.get(room.id);
    return state === undefined || state.waiter !== undefined || state.restored === true ? undefined : this.roomOf(room.id, state);
  }

  /** Whether `room` is one of hers (joined, being joined, kept from before a restart and not joined again yet), or was in this run. */
  has(room: Address): boolean {
    return this.rooms.has(room.id) || this.left.has(room.id);
  }

  /** She takes another nick in a room she is in (XEP-0045 7.6); resolves with her as its member once the room took it. */
  async rename(room: Address, nick: string): Promise<RoomMember> {
    const state = this.joined(room.id);
    checkMucNick(nick);
    if (nick !== state.nick) await this.changes.rename(room.id, nick);
    return this.reports.self(state);
  }

  /** She sets the subject of a room she is in (XEP-0045 8.1); resolves once the room shows it, rejects with its refusal. */
  async setSubject(room: Address, subject: string): Promise<void> {
    const state = this.joined(room.id);
    // What XML 1.0 cannot carry (a control character) would make her server close the account's stream: left out, and
    // the room's broadcast of what is left is the answer awaited.
    const shown = stripInvalidXmlChars(subject);
    if (shown !== state.subject) await this.changes.setSubject(room.id, randomUUID(), shown);
  }

  /** She invites `jid` into a room she is in: a mediated invitation (XEP-0045 7.8.2), which the room passes on. */
  async invite(room: Address, jid: string, reason: string): Promise<void> {
    this.joined(room.id);
    await this.write(mediatedInvitation(room.id, jid, reason));
  }

  /** The occupant an address names in one of her rooms now, with their real JID where the room shows it; undefined for nobody there. */
  occupantIdentity(occupant: Address): OccupantIdentity | undefined {
    const jid = this.occupantJid(occupant);
    return jid === undefined ? undefined : this.occupants.identify(occupantOf(jid).muc, occupantOf(jid).nick);
  }

  /** Every room she is in now (as ownRoom gives each), by room JID. */
  ownRoomList(): Room[] {
    return [...this.rooms.keys()].sort().flatMap((muc) => this.ownRoom(this.occupants.roomAddress(muc)) ?? []);
  }

  /** Her line goes out as groupchat; an occupant's (heard from the room) has nowhere to go. */
  async send(message: Message): Promise<SendResult> {
    if (!sameAddress(message.from, this.owner)) return { delivered: true };
    const muc = message.to.id;
    const state = this.rooms.get(muc);
    if (!state || state.restored === true) throw new GatewayError("GW_ERR_NOT_MEMBER", `you are not in ${muc}`);
    await this.lines.send(muc, message);
    return { delivered: true };
  }

  /** Whether line `messageId` of a room she is in has an id there that the account knows (account-muc-lines.ts). */
  async lineKnown(room: Address, messageId: string): Promise<boolean> {
    this.joined(room.id);
    return this.lines.known(room.id, messageId);
  }

  /** The occupant of one of her rooms that a full JID (room@service/nick) names, with its nick; undefined for any other JID. */
  occupantAt(jid: string): { readonly address: Address; readonly nick: string; readonly occupantIds: boolean } | undefined {
    const { muc, nick } = occupantOf(jid);
    return nick !== "" && this.rooms.has(muc) ? { address: this.occupants.occupantAddress(muc, nick), nick, occupantIds: this.features.trust(muc).occupantIds } : undefined;
  }

  /** The full JID (room@service/nick) an occupant's address in one of her rooms names; undefined for any other address. */
  occupantJid(address: Address): string | undefined {
    if (address.protocol !== "xmpp" || address.account !== this.context.account) return undefined;
    const { muc, nick } = occupantOf(address.id);
    // As the room view writes them: the room's JID lower case, then the nick; never a JID a stanza could not carry.
    if (nick === "" || !this.rooms.has(muc) || address.id !== `${muc}/${nick}`) return undefined;
    try {
      parseJid(address.id);
      return address.id;
    } catch {
      return undefined;
    }
  }

  /**
   * After each login: every room she joined is joined again (its list then shows who came and went meanwhile), those
   * kept from before a restart too. A room that refuses her now is forgotten, and she is told (refused).
   */
  rejoin(): void {
    for (const [muc, state] of this.rooms) this.enterAgain(muc, state);
  }

  /**
   * Her account's presence goes unavailable (her sessions all left): its server tells the rooms (RFC 6121 4.6.3), which
   * drop her occupant (a self-presence with status 110 alone). She stays in her rooms, as in BitlBee: each such drop is
   * answered by a join again, once.
   */
  unavailable(): void {
    for (const state of this.rooms.values()) state.dropExpected = true;
  }

  /** The connection is gone: joins under way fail; the rooms are remembered for the next login. */
  lost(): void {
    this.occupants.forget();
    this.archive.lost();
    this.changes.fail(new GatewayError("GW_ERR_UNAVAILABLE", "the XMPP account's connection was lost", { retryable: true }));
    for (const state of this.rooms.values()) state.waiter?.reject(new GatewayError("GW_ERR_UNAVAILABLE", "the XMPP account's connection was lost", { retryable: true }));
  }

  /** A presence from one of her rooms (true: handled here). */
  presence(stanza: Element): boolean {
    const { muc, nick } = occupantOf(String(stanza.attrs["from"] ?? ""));
    const state = this.rooms.get(muc);
    if (!state) return false;
    const type = stanza.attrs["type"] as string | undefined;
    if (type === "error") {
      const error = parseStanzaError(stanza);
      if (state.waiter) state.waiter.reject(mucJoinRefusal(error.condition, muc, error.text));
      else if (!this.changes.presenceError(muc, error.condition, error.text)) this.context.log.info({ muc, condition: error.condition }, "the MUC sent an error presence");
      return true;
    }
    if (nick === "" || (type !== undefined && type !== "unavailable")) return true;
    const { codes, item, role, own, destroyed, given } = readRoomPresence(stanza);
    if (own && type === "unavailable") {
      if (codes.includes("303")) return true; // her nick change's first half, not a leave
      const dropped = state.dropExpected === true && codes.every((code) => code === "110") && !destroyed;
      delete state.dropExpected;
      if (dropped) this.enterAgain(muc, state);
      else this.putOut(muc, codes, item);
      return true;
    }
    if (own) this.ownChange(muc, state, nick, role);
    if (this.occupants.presence(muc, { nick, available: type === undefined, codes, role, ...given }, own)) this.listed(muc, state);
    return true;
  }

  /** A message from one of her rooms (true: handled here; account-muc-messages.ts). */
  message(stanza: Element): boolean {
    return this.messages.message(stanza);
  }

  /** Joins a room of hers again: one that refuses her now is forgotten, and she is told (refused); one that does not answer waits for the next login. */
  private enterAgain(muc: string, state: JoinedMuc): void {
    const pending = state.waiter !== undefined; // a join waiting for its answer (her room.join) takes this one's outcome
    void this.enter(muc, state).catch((error: unknown) => {
      if (pending) return;
      const refusal = toGatewayError(error);
      if (refusal.code === TRIED_AGAIN) this.context.log.warn({ err: refusal, muc }, "MUC not joined again: tried at the next login");
      else if (this.rooms.get(muc) === state) {
        this.forget(muc);
        this.reports.refused(muc, state, refusal);
      }
    });
  }

  /** Sends the join; a join still waiting for its answer (her room.join, the room having dropped her since) is answered by this one. */
  private async enter(muc: string, state: JoinedMuc): Promise<void> {
    this.occupants.joining(muc);
    this.archive.joining(muc);
    delete state.live; // its history comes first again, until its subject (muc-history-gate.ts)
    const waiter = state.waiter ?? awaitJoinAnswer(muc, state);
    waiter.restart();
    await this.write(mucJoinPresence(muc, state.nick, state.password))
      .then(() => this.features.joined(muc)) // asked once the room has her (muc-features.ts)
      .catch((error: unknown) => waiter.reject(toGatewayError(error)));
    await waiter.answered;
  }

  /** Her join is complete (the self-presence after the list): she is shown who came, left and changed since she was last shown the room. */
  private listed(muc: string, state: JoinedMuc): void {
    const first = state.listedBefore !== true;
    const restored = state.restored === true;
    state.listedBefore = true;
    delete state.restored;
    const resync = this.occupants.resync(muc);
    state.waiter?.resolve();
    void this.archive.joined(muc);
    if (first && !restored) return; // the answer to room.join lists them
    this.reports.listedAgain(muc, state, restored, resync);
  }

  /** Her occupant is out of the room without her asking (kicked, banned, the room destroyed): she is told, and it is forgotten. */
  private putOut(muc: string, codes: readonly string[], item: Element | undefined): void {
    const state = this.rooms.get(muc);
    if (!state) return;
    this.forget(muc);
    this.remember(muc);
    this.reports.putOut(muc, state, codes, item);
  }

  /** Her self-presence: her nick or role there now. Once she was shown the room, a change is shown as hers; it may end her nick change. */
  private ownChange(muc: string, state: JoinedMuc, nick: string, role: RoomRole): void {
    const before = this.reports.self(state);
    Object.assign(state, { nick, role });
    if (nick !== before.nick) this.changes.renamed(muc);
    const shown = state.listedBefore === true && state.waiter === undefined;
    if (shown && (nick !== before.nick || role !== before.role)) this.reports.changed(muc, before, { ...before, nick, role });
  }

  /** The room she is in (not being joined, nor kept and not joined again yet); GW_ERR_NOT_MEMBER for any other. */
  private joined(muc: string): JoinedMuc {
    const state = this.rooms.get(muc);
    if (!state || state.waiter !== undefined || state.restored === true) throw new GatewayError("GW_ERR_NOT_MEMBER", `you are not in ${muc}`);
    return state;
  }

  /** A room she is out of stays known as a room (has), among the last LEFT_KEPT. */
  private remember(muc: string): void {
    this.left.delete(muc);
    this.left.add(muc);
    if (this.left.size > LEFT_KEPT) this.left.delete(this.left.values().next().value as string);
  }

  private forget(muc: string): void {
    this.changes.fail(new GatewayError("GW_ERR_NOT_MEMBER", `you are no longer in ${muc}`), muc);
    this.rooms.delete(muc);
    this.occupants.forget(muc);
    this.archive.forget(muc);
    this.features.forget(muc);
  }

  private roomOf(muc: string, state: JoinedMuc): Room {
    return { address: this.occupants.roomAddress(muc), name: muc, subject: state.subject, members: [this.reports.self(state), ...this.occupants.list(muc)] };
  }
}
