/**
 * XMPP client mode for operators (a bot account): Switchboard logs in to any XMPP server as an ordinary user,
 * joins multi-user chats as a participant (XEP-0045) and bridges each to a native room. It can only speak as
 * itself, so every relayed line carries its sender's name ("<alice> hello", "* alice waves"); messages from
 * the room's occupants reach the native room under their nicks.
 *
 * No loops: the MUC reflects the bot's own messages (ignored by nick), history replayed at join is ignored
 * (it carries a XEP-0203 delay), and a room message that entered through this account is never sent back.
 * SASL is SCRAM (or PLAIN over TLS), chosen by @xmpp/client; a connection that is not encrypted is accepted
 * only to a loopback address. @xmpp/reconnect is stopped: the supervisor reconnects.
 */
import { xml, type Client } from "@xmpp/client";
import type { Element } from "ltx";
import { roomsToRelayTo, type Adapter, type AdapterCapabilities, AdapterContext, RemoteRoomOptions, SendResult } from "../../core/adapter.js";
import { GatewayError, hasErrorCode } from "../../core/errors.js";
import { failureNotice } from "../../core/failure-reports.js";
import { addressKey, makeAddress, sameAddress, type Address } from "../../core/model/address.js";
import type { Message } from "../../core/model/message.js";
import { relayPrefix, type RelayFormat } from "../../core/relay-format.js";
import { nativeRoomAddress, type Room, type RoomMember, type RoomRole } from "../../core/model/room.js";
import type { XmppBotConfig, XmppBotRoomConfig } from "../../config/config-types.js";
import { checkEncrypted } from "./client-login.js";
import { jidParts, openClientConnection } from "./client-connection.js";
import { ShownMembers } from "../../util/shown-members.js";
import { ServerPingConfirmer } from "./stanza-confirmer.js";
import { closeQuietly, failure } from "./connection-lifecycle.js";
import { parseMessageStanza } from "./parse.js";
import { CorrectionIds, RecentMap } from "./message-memory.js";
import { MembershipDamper } from "../../util/flap-damper.js";
import { MucOccupants, roleOfItem, type OccupantIdentity } from "./muc-occupants.js";
import { stripInvalidXmlChars } from "./xml-safety.js";
import { hasUnsafeCharacters } from "../../core/model/text.js";
import { isRelayed, markRelayed, NS } from "./stanzas.js";

/** How long a kicked bot waits before joining the MUC again. */
const REJOIN_DELAY_MS = 2000;

/** The address of a bridged MUC, as a member of its native room. */
export function mucAddress(account: string, muc: string): Address {
  return makeAddress("xmpp", account, muc.toLowerCase());
}

/** The native room a MUC is bridged to. */
export function bridgedRoom(room: XmppBotRoomConfig): Address {
  return nativeRoomAddress(room.room);
}

/** The line a bot writes for a message from another network: its sender's name as the bot's relay_format puts it, then the text. */
export function relayedBody(format: RelayFormat, message: Message): string {
  return `${relayPrefix(format, message)}${message.body}`;
}

export class XmppBotAdapter implements Adapter {
  readonly protocol = "xmpp" as const;
  readonly capabilities: AdapterCapabilities = {
    directMessages: false,
    rooms: true,
    presence: false,
    subscriptions: false,
    typing: false,
    actions: true,
    notices: true,
    corrections: false,
    relaysRooms: true,
    puppets: false,
  };
  private connection: Client | undefined;
  private readonly occupants = new MucOccupants();
  /** Occupants' stanza ids -> gateway ids, per MUC: an occupant's XEP-0308 correction names its line by its own id. */
  private readonly corrections = new CorrectionIds();
  /** Who said each recent line the bot relayed (by gateway id): its failure report is for them, not for their nick's next holder. */
  private readonly senders = new RecentMap<OccupantIdentity>();
  /** Senders whose failure report waits for the bot's join of their MUC to list its occupants (by MUC, lower case; by address key). */
  private readonly reportsWaiting = new Map<string, Map<string, Address>>();
  private readonly membership: MembershipDamper;
  /** Bridged MUCs: the configured ones, then those added at runtime (bridgeRoom). */
  private readonly rooms: XmppBotRoomConfig[];
  private online = false;
  private stopping = false;
  /**
   * Whom each bridged MUC's room was told is in the MUC (by MUC, lower case): kept when the bot loses the MUC,
   * so that the occupant list of its next join shows what changed meanwhile.
   */
  private readonly shown = new ShownMembers<RoomMember>(
    (nick) => nick,
    (a, b) => a.role === b.role,
  );
  /** MUCs (lower case) the bot left itself (a bridge ended or remade): their goodbye is no kick. */
  private readonly leaving = new Set<string>();
  /** MUCs (lower case) the bot is out of for good (banned, destroyed, its join refused): tried again at a reload. */
  private readonly outOf = new Set<string>();
  /** A line counts as relayed once the bot's server proved it read it (stanza-confirmer.ts). */
  private readonly confirmer: ServerPingConfirmer;

  constructor(
    private readonly config: XmppBotConfig,
    private readonly context: AdapterContext,
  ) {
    this.rooms = [...config.rooms];
    this.confirmer = new ServerPingConfirmer(jidParts(config.jid).domain, (element) => this.write(element), { unanswered: () => this.deadLink() });
    const { leave_hold_seconds: hold, flap_changes: flapChanges, flap_window_seconds: window } = config.membership;
    this.membership = new MembershipDamper({ leaveHoldMs: hold * 1000, flapChanges, flapWindowMs: window * 1000 }, (muc, nick, event) =>
      this.relayMembership(muc, nick, event),
    );
  }

  stats(): Readonly<Record<string, number>> {
    return { bridged_mucs: this.rooms.length, mucs_not_joined: this.outOf.size };
  }

  get account(): string {
    return this.context.account;
  }

  async start(): Promise<void> {
    this.stopping = false;
    const connection = openClientConnection({ service: this.config.service, jid: this.config.jid, password: this.config.password, resource: `switchboard-${this.account}` });
    connection.on("error", (error: Error) => this.context.log.warn({ err: error }, "XMPP bot connection error"));
    connection.on("stanza", (stanza: Element) => this.stanza(stanza));
    connection.on("offline", () => this.lost());
    connection.on("disconnect", () => this.lost());
    this.connection = connection;
    try {
      await Promise.race([connection.start(), failure(connection, 15_000)]);
      checkEncrypted(connection.isSecure(), this.config.service);
    } catch (error: unknown) {
      this.connection = undefined;
      await closeQuietly(connection);
      throw error instanceof GatewayError ? error : new GatewayError("GW_ERR_UNAVAILABLE", `XMPP bot ${this.config.jid} cannot log in: ${(error as Error).message}`, { cause: error, retryable: true });
    }
    this.online = true;
    await connection.send(xml("presence"));
    // A copy: a reload may add or end bridges meanwhile (bridgeRoom joins a new one itself).
    for (const room of [...this.rooms]) if (this.rooms.includes(room)) await this.joinMuc(room);
    this.context.log.info({ jid: this.config.jid, encrypted: connection.isSecure(), rooms: this.rooms.map((room) => room.muc) }, "XMPP bot online");
    this.context.setStatus("online");
    // Room messages accepted while the bot was away wait in the outbox (relaysRooms): send them now, in order.
    this.context.dispatch({ type: "network-reachable", protocol: "xmpp", account: this.account });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    // What the server reads before the close is confirmed, not sent again after a restart.
    if (this.online) await this.confirmer.finalBarrier();
    this.online = false;
    this.confirmer.failAll();
    this.forgetOccupants();
    const connection = this.connection;
    this.connection = undefined;
    if (!connection) return;
    await closeQuietly(connection);
  }

  async knows(address: Address): Promise<boolean> {
    return address.protocol === "xmpp" && address.account === this.account && this.rooms.some((room) => mucAddress(this.account, room.muc).id === address.id.split("/")[0]);
  }

  /**
   * A message of a native room goes to every MUC bridged to it, unless it came from this account. Resolves once
   * written; `confirmed` once the bot's server proved it read the lines.
   */
  async send(message: Message): Promise<SendResult> {
    if (message.scope !== "room") throw new GatewayError("GW_ERR_NO_ROUTE", "a bridge bot carries room messages only");
    // While a stop waits for its last barrier: what is written now would come after it, unconfirmed, and be sent twice.
    if (this.stopping) throw new GatewayError("GW_ERR_UNAVAILABLE", "the bot is stopping", { retryable: true });
    const bridged = this.rooms.filter((room) => sameAddress(bridgedRoom(room), message.to));
    // Queued for a bridge an admin has since removed: its sender hears that it was not delivered.
    if (bridged.length === 0) throw new GatewayError("GW_ERR_NO_ROUTE", `${message.to.id} is not bridged by ${this.account} any more`);
    // Said in one of this bot's MUCs: never sent back there, only to the room's other MUCs.
    const rooms = roomsToRelayTo(message, "xmpp", this.account, bridged, (room) => mucAddress(this.account, room.muc));
    if (rooms.length === 0) return { delivered: true };
    const writes: Promise<void>[] = [];
    for (const room of rooms) {
      // What XML cannot carry (a control character a native client sent) is left out: written as is, it would end
      // the bot's stream, and the message, retried after the reconnect, would end it again.
      const line = xml("message", { to: room.muc, type: "groupchat", id: message.id }, xml("body", {}, stripInvalidXmlChars(relayedBody(this.config.relay_format, message))));
      // The bot sent the original with the gateway id as its stanza id: a correction names it (XEP-0308).
      if (message.replaces !== undefined) line.append(xml("replace", { xmlns: NS.correction, id: message.replaces }));
      writes.push(this.write(markRelayed(line))); // handed to the socket now, in order
    }
    // Tracked as soon as the socket has them: a barrier sent before their write callbacks would not cover them.
    const written = Promise.all(writes);
    const confirmed = this.confirmer.track(written);
    await written;
    return { delivered: true, confirmed };
  }

  async sendPresence(): Promise<void> {}
  async watchPresence(): Promise<void> {}
  async setPresence(): Promise<void> {}
  async sendSubscription(): Promise<void> {}
  async sendTyping(): Promise<void> {}
  /**
   * An occupant's line did not reach another room of the bridge (an IRC channel refused it, it expired): the bot
   * tells them in a private message in the MUC (XEP-0045 7.5), the only way it can reach them. To them only: the
   * occupant who said it, under the nick they have now (muc-occupants.ts nickOf), never whoever took their nick
   * since. When the bot cannot tell (they left, it no longer knows the line: a restart), the report is dropped.
   */
  async reportFailure(message: Message, recipient: Address, error: GatewayError): Promise<void> {
    const slash = message.from.id.indexOf("/");
    const room = this.roomOf(message.from.id.slice(0, Math.max(slash, 0)));
    if (message.from.account !== this.account || slash < 0 || !room) return; // not an occupant of one of its MUCs now
    if (!this.online) throw new GatewayError("GW_ERR_UNAVAILABLE", `XMPP bot ${this.config.jid} is not connected`, { retryable: true });
    const key = room.muc.toLowerCase();
    // A MUC that refused the bot's join stays "joining" until it is tried again: the bot is not in it.
    if (!this.outOf.has(key) && this.occupants.state(key) === "joining") {
      // Told again once the MUC listed its occupants (occupantPresence): only then can the bot find the sender.
      const waiting = this.reportsWaiting.get(key) ?? new Map<string, Address>();
      this.reportsWaiting.set(key, waiting.set(addressKey(message.from), message.from));
      throw new GatewayError("GW_ERR_UNAVAILABLE", `XMPP bot ${this.config.jid} is joining ${room.muc}`, { retryable: true });
    }
    const sender = this.senders.get(message.id);
    const nick = sender === undefined ? undefined : this.occupants.nickOf(key, sender);
    if (nick === undefined) {
      // The text is theirs alone: not logged.
      this.context.log.info({ muc: room.muc, id: message.id, code: error.code }, "failure report dropped: its sender is not in the MUC now (or the bot cannot tell them from whoever holds their nick)");
      return;
    }
    await this.write(xml("message", { to: `${room.muc}/${nick}`, type: "chat", id: `failed-${message.id}` }, xml("body", {}, stripInvalidXmlChars(failureNotice(recipient, error)))));
  }
  async reportDelivered(): Promise<void> {}
  async sendMembership(): Promise<void> {}
  /** Not shown in the bot's MUCs, as joins and leaves are not: the bot is one occupant, not one per person. */
  async sendMemberChange(): Promise<void> {}
  async sendTopic(): Promise<void> {}

  async joinRoom(): Promise<Room> {
    throw new GatewayError("GW_ERR_NO_ROUTE", "a bridge bot joins the rooms of its configuration only");
  }

  async leaveRoom(): Promise<void> {
    throw new GatewayError("GW_ERR_NO_ROUTE", "a bridge bot joins the rooms of its configuration only");
  }

  /** An admin bridged a MUC at runtime (core/bridges.ts): joined now if online, and at every login. */
  async bridgeRoom(remote: Address, hub: Address, options: RemoteRoomOptions): Promise<void> {
    const muc = remote.id.toLowerCase();
    if (remote.protocol !== "xmpp" || remote.account !== this.account || !/^[^\s@/]+@[^\s@/]+$/.test(muc) || hasUnsafeCharacters(muc)) {
      throw new GatewayError("GW_ERR_BAD_ADDRESS", `${remote.id} is not a MUC's bare JID (xmpp://${this.account}/room@conference.example.org)`);
    }
    if (this.rooms.some((room) => room.muc.toLowerCase() === muc)) throw new GatewayError("GW_ERR_ALREADY_BRIDGED", `${muc} is bridged by ${this.account} already`);
    const room: XmppBotRoomConfig = { muc, nick: options.nick, room: hub.id.replace(/^#/, ""), membership: options.membership, password: options.key };
    this.rooms.push(room);
    if (this.online) await this.joinMuc(room);
  }

  /**
   * The occupants of a bridged MUC as the room was told (core/room-joins.ts: shown to whoever joins the room;
   * while the bot is out of the MUC, as last known), but the bot: none
   * where the MUC's joins and leaves are not relayed, since the list would not be kept current.
   */
  roomPeople(remote: Address): readonly RoomMember[] {
    const room = this.roomOf(remote.id);
    if (remote.account !== this.account || !room || !this.config.membership.relay || !room.membership) return [];
    return this.shown.list(room.muc.toLowerCase());
  }

  /** A runtime bridge ended: the bot leaves the MUC. */
  async unbridgeRoom(remote: Address): Promise<void> {
    const index = this.rooms.findIndex((room) => room.muc.toLowerCase() === remote.id.toLowerCase());
    const room = this.rooms[index];
    if (!room) return;
    this.rooms.splice(index, 1);
    this.shown.forget(room.muc.toLowerCase());
    this.outOf.delete(room.muc.toLowerCase());
    if (!this.online) return;
    this.leaving.add(room.muc.toLowerCase());
    await this.write(xml("presence", { to: `${room.muc}/${room.nick}`, type: "unavailable" })).catch(() => undefined);
  }

  private async joinMuc(room: XmppBotRoomConfig): Promise<void> {
    // XEP-0045 section 7.2: join with a nick, asking for no history (it was relayed when it happened), with the
    // room's password when it has one (7.2.6).
    this.occupants.joining(room.muc);
    this.outOf.delete(room.muc.toLowerCase());
    const password = room.password === "" ? [] : [xml("password", {}, room.password)];
    await this.write(xml("presence", { to: `${room.muc}/${room.nick}` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" }, xml("history", { maxstanzas: "0" }), ...password)));
    await this.context
      .joinRoom(bridgedRoom(room), { address: mucAddress(this.account, room.muc), nick: room.muc.split("@")[0] ?? room.muc, role: "member" })
      // A room that does not exist yet is a bridge being added at runtime: the core creates it next, with this
      // MUC as its owner (core/bridges.ts).
      .catch((error: unknown) => hasErrorCode(error, "GW_ERR_NOT_FOUND") || this.context.log.error({ err: error, muc: room.muc }, "bridged native room not joined"));
  }

  /**
   * A MUC refused a line the bot relayed (not an occupant after a refused join, a visitor in a moderated room,
   * too long): its stanza id is the gateway id, so the message's sender hears that the MUC did not take it.
   */
  private refusedLine(stanza: Element): void {
    this.context.log.warn({ from: stanza.attrs["from"], id: stanza.attrs["id"], error: stanza.getChild("error")?.toString() }, "the MUC refused a relayed line");
    const parsed = parseMessageStanza(stanza);
    // Only the MUC itself (its bare JID) answers for a line sent to it; an occupant cannot fail someone's line.
    const room = this.roomOf(String(stanza.attrs["from"] ?? ""));
    const id = stanza.attrs["id"];
    if (!parsed.ok || !room || id === undefined) return;
    const condition = parsed.value.error?.condition ?? "undefined-condition";
    const text = parsed.value.error?.text ?? `the MUC refused it: ${condition}`;
    this.context.bounced(id, mucAddress(this.account, room.muc), new GatewayError("GW_ERR_DELIVERY_FAILED", `${room.muc}: ${text}`, { condition }));
  }

  /** The bridged MUC of a bare JID, in any case. */
  private roomOf(muc: string): XmppBotRoomConfig | undefined {
    const folded = muc.toLowerCase();
    return this.rooms.find((candidate) => candidate.muc.toLowerCase() === folded);
  }

  private stanza(stanza: Element): void {
    if (this.confirmer.consumed(stanza)) return;
    if (stanza.name === "presence" && stanza.attrs["type"] === "error") {
      // A join refused (XEP-0045 7.2.6-7.2.9: not-authorized for a wrong or missing password, forbidden when
      // banned, registration-required in a members-only room, conflict for a nick in use): the operator must see why.
      this.context.log.error({ from: stanza.attrs["from"], error: stanza.getChild("error")?.toString() }, "the MUC refused the bot's join");
      const refusing = this.roomOf(String(stanza.attrs["from"] ?? "").split("/")[0] ?? "");
      if (refusing) this.outOf.add(refusing.muc.toLowerCase()); // counted, and tried again at a reload
      return;
    }
    if (stanza.name === "presence") return this.occupantPresence(stanza);
    if (stanza.name === "message" && stanza.attrs["type"] === "error") return this.refusedLine(stanza);
    if (stanza.name !== "message" || stanza.attrs["type"] !== "groupchat") return;
    const parsed = parseMessageStanza(stanza);
    if (!parsed.ok || parsed.value.body === undefined) return;
    if (stanza.getChild("delay", "urn:xmpp:delay")) return; // history, not live traffic
    if (isRelayed(stanza)) return; // relayed by a bridge (maybe another Switchboard): never relayed again
    const [muc = "", nick = ""] = parsed.value.from.split("/");
    const room = this.roomOf(muc);
    if (!room || nick === "" || nick === room.nick) return; // unknown room, the room itself, or our own echo
    const message = parsed.value;
    const from = makeAddress("xmpp", this.account, `${muc.toLowerCase()}/${nick}`);
    // Who said it, taken now: by the time a failure is reported, someone else may hold the nick.
    const sender = this.occupants.identify(muc, nick);
    // Begun before anything is awaited, so that a correction sent right after its line finds the line's id.
    const acceptance = this.corrections.begin(from, message, muc.toLowerCase());
    let acceptedId: string | undefined;
    void acceptance.original
      .then((replaces) =>
        this.context.submit({
          origin: { protocol: "xmpp", account: this.account, ...(message.id === undefined ? {} : { id: message.id }) },
          scope: "room",
          kind: message.messageKind,
          from,
          to: bridgedRoom(room),
          // The MUC it was said in: never sent back there, and relayed to the room's other MUCs of this bot.
          hops: [addressKey(mucAddress(this.account, room.muc))],
          senderName: nick,
          body: message.body ?? "",
          // A correction of a line the bot has not seen (before a restart) goes on as a new line.
          ...(replaces === undefined ? {} : { replaces }),
        }),
      )
      .then((accepted) => {
        acceptedId = accepted.id;
        if (sender !== undefined) this.senders.set(accepted.id, sender);
      })
      .catch((error: unknown) => this.context.log.warn({ err: error, muc }, "MUC message not relayed"))
      .finally(() => acceptance.done(acceptedId));
  }

  /**
   * An occupant's presence in a bridged MUC: the bot's own (kicked?), or someone joining or leaving, relayed to
   * the native room as a member joining or leaving (the bot's membership.relay and the room's membership),
   * through the flap damper.
   */
  private occupantPresence(stanza: Element): void {
    const from = String(stanza.attrs["from"] ?? "");
    const slash = from.indexOf("/");
    const type = stanza.attrs["type"];
    if (slash < 0 || (type !== undefined && type !== "unavailable")) return;
    const muc = from.slice(0, slash);
    const nick = from.slice(slash + 1);
    const room = this.roomOf(muc);
    if (!room || nick === "") return;
    const x = stanza.getChild("x", NS.mucUser);
    const codes = (x?.getChildren("status") ?? []).map((status) => String(status.attrs["code"]));
    const own = nick === room.nick || codes.includes("110");
    if (nick === room.nick && type === "unavailable") this.ownOccupantLeft(room, codes, x);
    const item = x?.getChild("item");
    const newNick = item?.attrs["nick"];
    const realJid = item?.attrs["jid"];
    const role = roleOfItem(item?.attrs["affiliation"] as string | undefined, item?.attrs["role"] as string | undefined);
    const changes = this.occupants.presence(
      muc,
      { nick, available: type === undefined, codes, role, ...(typeof newNick === "string" ? { newNick } : {}), ...(typeof realJid === "string" ? { realJid } : {}) },
      own,
    );
    if (changes.some((change) => change.event === "listed")) this.reportsMayGo(muc);
    if (!this.config.membership.relay || !room.membership) return;
    for (const change of changes) {
      if (change.event === "listed") this.resync(room);
      else if (change.event === "renamed") this.renamed(room, change.nick, change.newNick, change.role);
      else if (change.event === "role") this.roleChanged(room, change.nick, change.previous, change.role);
      else this.membership.change(room.muc, change.nick, change.event);
    }
  }

  /** The MUC listed its occupants: failure reports that waited for the list may find their senders now. */
  private reportsMayGo(muc: string): void {
    const waiting = this.reportsWaiting.get(muc.toLowerCase());
    this.reportsWaiting.delete(muc.toLowerCase());
    for (const address of waiting?.values() ?? []) this.context.dispatch({ type: "reachable", address });
  }

  /** An occupant made or unmade a moderator, admin or owner of the MUC (XEP-0045 section 9): the room is told. */
  private roleChanged(room: XmppBotRoomConfig, nick: string, previous: RoomRole, role: RoomRole): void {
    if (!this.online) return;
    // Not shown yet (a flapping occupant's join held): shown with their role when their join is.
    if (!this.shown.changed(room.muc.toLowerCase(), nick, this.occupantMember(room.muc, nick, role))) return;
    this.context.dispatch({ type: "member-changed", room: bridgedRoom(room), member: this.occupantMember(room.muc, nick, previous), changed: this.occupantMember(room.muc, nick, role) });
  }

  /**
   * An occupant's nick change (status 303): one rename of the native room's member, unless the damper holds or
   * hid the old nick's last change; then a leave and a join, at once (a nick change is no flap).
   */
  private renamed(room: XmppBotRoomConfig, nick: string, newNick: string, role: RoomRole): void {
    if (!this.membership.renamed(room.muc, nick, newNick)) {
      this.membership.change(room.muc, nick, "left", true);
      this.membership.change(room.muc, newNick, "joined", true);
      return;
    }
    if (!this.online) return;
    // Never shown under the old nick (the list of a rejoin already showed them gone): shown as a join.
    if (!this.shown.changed(room.muc.toLowerCase(), nick, this.occupantMember(room.muc, newNick, role))) return this.relayMembership(room.muc, newNick, "joined");
    this.context.dispatch({ type: "member-changed", room: bridgedRoom(room), member: this.occupantMember(room.muc, nick, role), changed: this.occupantMember(room.muc, newNick, role) });
  }

  /** A join or leave the damper lets through: the native room's members hear of it, unless they were told already. */
  private relayMembership(muc: string, nick: string, event: "joined" | "left"): void {
    const room = this.roomOf(muc);
    if (!room || !this.online) return;
    const key = muc.toLowerCase();
    if (event === "joined") {
      const role = this.occupants.occupantsOf(muc).find((occupant) => occupant.nick === nick)?.role;
      const member = this.occupantMember(muc, nick, role);
      if (this.shown.joined(key, member)) this.context.dispatch({ type: "member-joined", room: bridgedRoom(room), member });
      return;
    }
    const shown = this.shown.left(key, nick);
    if (shown) this.context.dispatch({ type: "member-left", room: bridgedRoom(room), member: shown });
  }

  /**
   * The bot's join of a MUC is complete (its self-presence, after the occupant list): the room is told who came,
   * who left and whose role changed since it was last told; the first time, everyone is a join.
   */
  private resync(room: XmppBotRoomConfig): void {
    if (!this.online) return;
    const people = this.occupants
      .occupantsOf(room.muc)
      .filter((occupant) => occupant.nick !== room.nick)
      .map((occupant) => this.occupantMember(room.muc, occupant.nick, occupant.role));
    const { joined, left, changed } = this.shown.resync(room.muc.toLowerCase(), people);
    // The list is what the room shows now: changes held from before are moot, and the next ones are taken against it.
    this.membership.forgetChannel(room.muc);
    const hub = bridgedRoom(room);
    for (const member of left) this.context.dispatch({ type: "member-left", room: hub, member });
    for (const member of joined) this.context.dispatch({ type: "member-joined", room: hub, member });
    for (const { before, after } of changed) this.context.dispatch({ type: "member-changed", room: hub, member: before, changed: after });
  }

  /** An occupant of a bridged MUC as a member of the native room: its address is the MUC's occupant JID. */
  private occupantMember(muc: string, nick: string, role: RoomRole = "member"): RoomMember {
    return { address: makeAddress("xmpp", this.account, `${muc.toLowerCase()}/${nick}`), nick, role };
  }

  private forgetOccupants(): void {
    this.occupants.forget();
    this.reportsWaiting.clear(); // those reports wait for the reconnect (network-reachable) instead
    this.membership.clear();
  }

  /**
   * The bot's own occupant left a MUC without being asked to (XEP-0045 section 9.1: kicked, status 307): it joins
   * again after REJOIN_DELAY_MS, so that one kick does not end the bridge. A ban (301) or the room's destruction
   * is respected: logged, not rejoined (the outbox reports what cannot reach the room).
   */
  private ownOccupantLeft(room: XmppBotRoomConfig, codes: readonly string[], x: Element | undefined): void {
    if (this.stopping) return;
    const muc = room.muc;
    // The bot's own leave (the bridge ended or was remade by a reload): its echo, no kick.
    if (this.leaving.delete(muc.toLowerCase())) return;
    const item = x?.getChild("item");
    const by = item?.getChild("actor")?.attrs["nick"] as string | undefined;
    const reason = item?.getChildText("reason") ?? undefined;
    const who = { muc, codes, ...(by === undefined ? {} : { by }), ...(reason === undefined || reason === null ? {} : { reason }) };
    if (codes.includes("301") || x?.getChild("destroy")) {
      this.context.log.warn(who, "XMPP bot banned from the MUC, or the MUC destroyed: not joined again (the MUC's people leave the room; re-bridge it or restart once it may be joined)");
      this.lostMuc(room);
      return;
    }
    const kicked = codes.includes("307");
    this.context.log.warn(who, kicked ? "XMPP bot kicked from the MUC; joining again" : "XMPP bot left the MUC without asking; joining again");
    const timer = setTimeout(() => {
      const current = this.roomOf(muc); // still bridged (a reload may have ended or remade it meanwhile)
      if (current && this.online && !this.stopping) void this.joinMuc(current).catch((error: unknown) => this.context.log.warn({ err: error, muc }, "MUC not rejoined"));
    }, REJOIN_DELAY_MS);
    timer.unref();
  }

  /** The configuration was reloaded: MUCs the bot is out of (banned, destroyed, its join refused) are tried again now. */
  retryRooms(): void {
    if (!this.online || this.stopping) return;
    for (const room of this.rooms.filter((candidate) => this.outOf.has(candidate.muc.toLowerCase()))) {
      this.context.log.info({ muc: room.muc }, "joining again a MUC the bot is out of (configuration reloaded)");
      void this.joinMuc(room).catch((error: unknown) => this.context.log.warn({ err: error, muc: room.muc }, "MUC not rejoined"));
    }
  }

  /** Banned from a MUC, or it was destroyed: the room no longer shows its people, and the status counts it. */
  private lostMuc(room: XmppBotRoomConfig): void {
    const key = room.muc.toLowerCase();
    this.outOf.add(key);
    const hub = bridgedRoom(room);
    for (const member of this.shown.list(key)) this.context.dispatch({ type: "member-left", room: hub, member });
    this.shown.forget(key);
    this.membership.forgetChannel(room.muc);
    this.occupants.forget(room.muc);
    this.reportsWaiting.delete(key);
  }

  private async write(element: Element): Promise<void> {
    const connection = this.connection;
    if (!connection || !this.online) throw new GatewayError("GW_ERR_UNAVAILABLE", "the bot is not connected", { retryable: true });
    try {
      await connection.send(element);
    } catch (error: unknown) {
      throw new GatewayError("GW_ERR_UNAVAILABLE", `the bot's XMPP connection failed: ${(error as Error).message}`, { cause: error, retryable: true });
    }
  }

  /** A barrier went unanswered (stanza-confirmer.ts): the link is dead though its socket is not closed yet. */
  private deadLink(): void {
    this.context.log.warn({ jid: this.config.jid }, "the XMPP server did not answer a delivery barrier: reconnecting");
    this.lost();
  }

  private lost(): void {
    this.confirmer.failAll(); // also while stopping: a stop waiting for its last barrier on a dead connection goes on
    if (!this.online || this.stopping) return;
    this.online = false;
    this.forgetOccupants();
    this.context.log.warn({ jid: this.config.jid }, "XMPP bot connection lost");
    this.context.setStatus("offline", new Error("bot connection lost"));
  }
}
