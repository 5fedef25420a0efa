/**
 * The MUCs a linked account (user-adapter.ts) joins for its owner (core/own-rooms.ts), the BitlBee way: the room
 * `xmpp://u.alice/room@conference.example.org` is her view of room@conference.example.org, joined under her nick.
 *
 * - room.join: the join presence (account-muc-join.ts: no history, her password when given); the answer waits for
 *   the room's self-presence (status 110), with the occupants listed before it, or its refusal, at most 10 s.
 * - Occupants (muc-occupants.ts) come and go as the room's bridged people (`member-joined`, `member-left`,
 *   `member-changed` for a rename or a role); each is `xmpp://u.alice/room@conference.example.org/<nick>`.
 * - Their groupchat lines reach her as room messages from them; history (XEP-0203 delay) is not taken. Hers go out
 *   as groupchat with the gateway id as stanza id, and the room's reflection of one of them is not shown again.
 * - The subject (a groupchat message with <subject/> and no body) is shown when it changes.
 * - Private messages (XEP-0045 7.5: `chat` from or to room@service/nick) are the owner's chats with the occupant's
 *   address (occupantAt, occupantJid), carried by the account's chats (account-inbound.ts, user-adapter.ts).
 * - The rooms she joined are remembered while the daemon runs: joined again after each login. Across a restart the core
 *   keeps them (core/kept-own-rooms.ts) and gives them at construction: joined at the first login, and once in, her
 *   sessions are told as of a join (`member-joined` of her, then of each occupant). A join again that the room refuses
 *   (gone, her ban, a changed password, her nick taken) forgets the room and tells her (`member-left` of her, the
 *   refusal's code in `removal.refused`), which makes the core forget it too: it is never tried again in a loop. A room
 *   that does not answer, or a lost connection, is tried again at the next login.
 */
import type { Element } from "ltx";
import type { AdapterContext, SendResult } from "../../core/adapter.js";
import { GatewayError, toGatewayError } from "../../core/errors.js";
import type { RoomToRejoin } from "../../core/kept-own-rooms.js";
import { makeAddress, sameAddress, type Address } from "../../core/model/address.js";
import type { Message } from "../../core/model/message.js";
import type { Room, RoomMember, RoomRole } from "../../core/model/room.js";
import { ShownMembers } from "../../util/shown-members.js";
import { isMucJid, MUC_JOIN_TIMEOUT_MS, mucJoinPresence, mucJoinRefusal, mucLeavePresence } from "./account-muc-join.js";
import { MucOccupants, roleOfItem } from "./muc-occupants.js";
import { parseJid } from "./addressing.js";
import { parseMessageStanza, parseStanzaError } from "./parse.js";
import { chatMessage, NS } from "./stanzas.js";

/** How many of her own lines' ids are remembered, to know their reflections. */
const OWN_LINES_KEPT = 200;

interface JoinedMuc {
  /** Her nick there (the room may have changed it: status 210). */
  nick: string;
  readonly password: string | undefined;
  role: RoomRole;
  subject: string;
  /** A join waiting for its answer, and that answer. */
  waiter?: { resolve(): void; reject(error: GatewayError): void };
  joining?: Promise<void>;
  /** She was shown its occupants once (the answer to her room.join): later lists are shown as changes. */
  listedBefore?: boolean;
  /** Kept from before a restart and not joined again yet in this run: not shown as hers until the room takes her in. */
  restored?: boolean;
}

/** A join again that fails with this (no answer, the connection lost, a full room) is tried at the next login; any other refusal is final. */
const TRIED_AGAIN = "GW_ERR_UNAVAILABLE";

export class AccountMucs {
  /** The rooms she joined (bare JID, lower case): remembered across reconnects. */
  private readonly rooms = new Map<string, JoinedMuc>();
  private readonly occupants = new MucOccupants();
  /** Whom her view was told is in each room: a rejoin's list then shows who came and went meanwhile. */
  private readonly shown = new ShownMembers<RoomMember>(
    (nick) => nick,
    (a, b) => a.role === b.role,
  );
  /** Ids of her own recent lines, per room: their reflections are not shown to her again. */
  private readonly ownLines = new Set<string>();

  constructor(
    private readonly context: AdapterContext,
    private readonly owner: Address,
    private readonly write: (element: Element) => Promise<void>,
    /** The rooms she joined before the daemon's restart (core/kept-own-rooms.ts): joined at the first login. */
    kept: readonly RoomToRejoin[] = [],
  ) {
    for (const { room, nick, key } of kept) {
      if (room.protocol !== "xmpp" || room.account !== context.account || !isMucJid(room.id) || nick === "") continue;
      this.rooms.set(room.id, { nick, password: key, role: "member", subject: "", restored: true });
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
    if (nick === "" || nick.includes("/")) throw new GatewayError("GW_ERR_BAD_ADDRESS", `${nick} is no nick for a MUC`);
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
    // A join waiting for its answer ends now (the leave presence below takes her out if the room answers it later).
    state.waiter?.reject(new GatewayError("GW_ERR_NOT_MEMBER", `you left ${room.id} before it answered`));
    await this.write(mucLeavePresence(room.id, state.nick)).catch((error: unknown) => this.context.log.info({ err: error, muc: room.id }, "MUC left without a connection to say so"));
  }

  /** The room as the account is in it: she first, then its occupants as shown to her; undefined when she did not join it. */
  ownRoom(room: Address): Room | undefined {
    const state = this.rooms.get(room.id);
    return state === undefined || state.waiter !== undefined || state.restored === true ? undefined : this.roomOf(room.id, state);
  }

  /** Whether `room` is one of hers: joined, being joined, or kept from before a restart and not joined again yet. */
  has(room: Address): boolean {
    return this.rooms.has(room.id);
  }

  /** Every room she is in now (as ownRoom gives each), by room JID. */
  ownRoomList(): Room[] {
    return [...this.rooms.keys()].sort().flatMap((muc) => this.ownRoom(this.roomAddress(muc)) ?? []);
  }

  /** Her line goes out as groupchat; an occupant's (heard from the room) has nowhere to go. */
  async send(message: Message): Promise<SendResult> {
    if (!sameAddress(message.from, this.owner)) return { delivered: true };
    const muc = message.to.id;
    const state = this.rooms.get(muc);
    if (!state || state.restored === true) throw new GatewayError("GW_ERR_NOT_MEMBER", `you are not in ${muc}`);
    this.ownLines.add(message.id);
    if (this.ownLines.size > OWN_LINES_KEPT) this.ownLines.delete(this.ownLines.values().next().value as string);
    const replaces = message.replaces === undefined ? {} : { replaces: message.replaces };
    await this.write(chatMessage({ to: muc, id: message.id, body: message.body, kind: message.kind, type: "groupchat", ...replaces }));
    return { delivered: true };
  }

  /** The occupant of one of her rooms that a full JID (room@service/nick) names, with its nick; undefined for any other JID. */
  occupantAt(jid: string): { readonly address: Address; readonly nick: string } | undefined {
    const { muc, nick } = occupantOf(jid);
    return nick !== "" && this.rooms.has(muc) ? { address: this.occupantAddress(muc, nick), nick } : undefined;
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
    for (const [muc, state] of this.rooms) {
      void this.enter(muc, state).catch((error: unknown) => {
        const refusal = toGatewayError(error);
        if (refusal.code === TRIED_AGAIN) this.context.log.warn({ err: refusal, muc }, "MUC not joined again: tried at the next login");
        else if (this.rooms.get(muc) === state) this.refused(muc, state, refusal);
      });
    }
  }

  /** The connection is gone: joins under way fail; the rooms are remembered for the next login. */
  lost(): void {
    this.occupants.forget();
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
      else this.context.log.info({ muc, condition: error.condition }, "the MUC sent an error presence");
      return true;
    }
    if (nick === "" || (type !== undefined && type !== "unavailable")) return true;
    const x = stanza.getChild("x", NS.mucUser);
    const codes = (x?.getChildren("status") ?? []).map((status) => String(status.attrs["code"]));
    const item = x?.getChild("item");
    const role = roleOfItem(item?.attrs["affiliation"] as string | undefined, item?.attrs["role"] as string | undefined);
    const own = codes.includes("110");
    if (own && type === "unavailable") return this.putOut(muc, codes, item), true;
    if (own) Object.assign(state, { nick, role });
    const newNick = item?.attrs["nick"];
    const changes = this.occupants.presence(muc, { nick, available: type === undefined, codes, role, ...(typeof newNick === "string" ? { newNick } : {}) }, own);
    for (const change of changes) {
      if (change.event === "listed") this.listed(muc, state);
      else if (change.event === "renamed") this.showChange(muc, change.nick, change.newNick, change.role);
      else if (change.event === "role") this.showChange(muc, change.nick, change.nick, change.role);
      else if (change.event === "joined") this.showJoin(muc, nick, role);
      else this.showLeave(muc, nick);
    }
    return true;
  }

  /** A message from one of her rooms (true: handled here). Private messages from occupants (type chat) are not: they are chats (occupantAt). */
  message(stanza: Element): boolean {
    const { muc, nick } = occupantOf(String(stanza.attrs["from"] ?? ""));
    const state = this.rooms.get(muc);
    const type = stanza.attrs["type"];
    if (!state || (type !== "groupchat" && !(type === "error" && nick === ""))) return false;
    if (type === "error") {
      this.context.log.info({ muc, id: stanza.attrs["id"], error: parseStanzaError(stanza) }, "the MUC refused a line");
      return true;
    }
    const subject = stanza.getChild("subject");
    if (subject !== undefined && stanza.getChild("body") === undefined) {
      const topic = subject.getText();
      if (topic !== state.subject) {
        state.subject = topic;
        this.context.dispatch({ type: "topic", room: this.roomAddress(muc), topic, ...(nick === "" ? {} : { by: this.occupantAddress(muc, nick) }) });
      }
      return true;
    }
    if (stanza.getChild("delay", "urn:xmpp:delay") || nick === "") return true; // history, or the room itself
    const id = stanza.attrs["id"] as string | undefined;
    if (nick === state.nick && id !== undefined && this.ownLines.delete(id)) return true; // the reflection of her line
    const parsed = parseMessageStanza(stanza);
    if (!parsed.ok || parsed.value.body === undefined) return true;
    const line = parsed.value;
    const from = this.occupantAddress(muc, nick);
    void this.context
      .submit({
        origin: { protocol: "xmpp", account: this.context.account, ...(line.id === undefined ? {} : { id: line.id }) },
        scope: "room",
        kind: line.messageKind,
        from,
        to: this.roomAddress(muc),
        senderName: nick,
        body: line.body ?? "",
      })
      .catch((error: unknown) => this.context.log.warn({ err: error, muc }, "MUC line not taken"));
    return true;
  }

  private async enter(muc: string, state: JoinedMuc): Promise<void> {
    this.occupants.joining(muc);
    const answered = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new GatewayError("GW_ERR_UNAVAILABLE", `${muc} did not answer the join in ${MUC_JOIN_TIMEOUT_MS / 1000} s`, { retryable: true })), MUC_JOIN_TIMEOUT_MS);
      const settle = (): void => {
        clearTimeout(timer);
        delete state.waiter;
      };
      state.waiter = { resolve: () => (settle(), resolve()), reject: (error) => (settle(), reject(error)) };
    });
    answered.catch(() => undefined);
    state.joining = answered.finally(() => delete state.joining);
    state.joining.catch(() => undefined);
    await this.write(mucJoinPresence(muc, state.nick, state.password)).catch((error: unknown) => state.waiter?.reject(error as GatewayError));
    await answered;
  }

  /** Her join is complete (the self-presence after the list): she is shown who came, left and changed since she was last shown the room. */
  private listed(muc: string, state: JoinedMuc): void {
    const people = this.occupants.occupantsOf(muc).map((occupant) => this.occupantMember(muc, occupant.nick, occupant.role));
    const first = state.listedBefore !== true;
    const restored = state.restored === true;
    state.listedBefore = true;
    delete state.restored;
    const { joined, left, changed } = this.shown.resync(muc, people);
    state.waiter?.resolve();
    if (first && !restored) return; // the answer to room.join lists them
    const room = this.roomAddress(muc);
    // Back after a restart: her sessions learn it as of a join, hers first, then who is in it.
    if (restored) this.context.dispatch({ type: "member-joined", room, member: { address: this.owner, nick: state.nick, role: state.role } });
    for (const member of left) this.context.dispatch({ type: "member-left", room, member });
    for (const member of joined) this.context.dispatch({ type: "member-joined", room, member });
    for (const { before, after } of changed) this.context.dispatch({ type: "member-changed", room, member: before, changed: after });
  }

  private showJoin(muc: string, nick: string, role: RoomRole): void {
    const member = this.occupantMember(muc, nick, role);
    if (this.shown.joined(muc, member)) this.context.dispatch({ type: "member-joined", room: this.roomAddress(muc), member });
  }

  private showLeave(muc: string, nick: string): void {
    const member = this.shown.left(muc, nick);
    if (member) this.context.dispatch({ type: "member-left", room: this.roomAddress(muc), member });
  }

  private showChange(muc: string, nick: string, newNick: string, role: RoomRole): void {
    const before = this.shown.get(muc, nick);
    const after = this.occupantMember(muc, newNick, role);
    if (before && this.shown.changed(muc, nick, after)) this.context.dispatch({ type: "member-changed", room: this.roomAddress(muc), member: before, changed: after });
  }

  /** Her occupant is out of the room without her asking (kicked, banned, the room destroyed): she is told, and it is forgotten. */
  private putOut(muc: string, codes: readonly string[], item: Element | undefined): void {
    const state = this.rooms.get(muc);
    if (!state) return;
    const by = (item?.getChild("actor")?.attrs["nick"] as string | undefined) ?? muc;
    const reason = item?.getChildText("reason") ?? "";
    this.context.log.info({ muc, codes }, "the linked account is out of a MUC");
    const member: RoomMember = { address: this.owner, nick: state.nick, role: state.role };
    this.forget(muc);
    this.context.dispatch({ type: "member-left", room: this.roomAddress(muc), member, removal: { by, reason, ...(codes.includes("301") ? { ban: true } : {}) } });
  }

  /** The room would not take her back (a join again): forgotten, and she is told why (the core forgets it too). */
  private refused(muc: string, state: JoinedMuc, refusal: GatewayError): void {
    this.context.log.info({ muc, code: refusal.code, reason: refusal.message }, "the MUC refused to take the linked account back: forgotten");
    const member: RoomMember = { address: this.owner, nick: state.nick, role: state.role };
    this.forget(muc);
    this.context.dispatch({ type: "member-left", room: this.roomAddress(muc), member, removal: { by: muc, reason: refusal.message, refused: refusal.code } });
  }

  private forget(muc: string): void {
    this.rooms.delete(muc);
    this.occupants.forget(muc);
    this.shown.forget(muc);
  }

  private roomOf(muc: string, state: JoinedMuc): Room {
    const self: RoomMember = { address: this.owner, nick: state.nick, role: state.role };
    return { address: this.roomAddress(muc), name: muc, subject: state.subject, members: [self, ...this.shown.list(muc)] };
  }

  private roomAddress(muc: string): Address {
    return makeAddress("xmpp", this.context.account, muc);
  }

  private occupantAddress(muc: string, nick: string): Address {
    return makeAddress("xmpp", this.context.account, `${muc}/${nick}`);
  }

  private occupantMember(muc: string, nick: string, role: RoomRole): RoomMember {
    return { address: this.occupantAddress(muc, nick), nick, role };
  }
}

/** The room (bare JID, lower case) and the occupant's nick (all of the resource; "" for the room itself). */
function occupantOf(jid: string): { muc: string; nick: string } {
  const slash = jid.indexOf("/");
  return slash < 0 ? { muc: jid.toLowerCase(), nick: "" } : { muc: jid.slice(0, slash).toLowerCase(), nick: jid.slice(slash + 1) };
}
