/**
 * XMPP client mode for operators (a bot account): Switchboard logs in to any XMPP server as an ordinary user,
 * joins multi-user chats as a participant (XEP-0045) and bridges each to a native room. It can only speak as
 * itself, so every relayed line carries its sender's name ("<alice> hello", "* alice waves"); messages from
 * the room's occupants reach the native room under their nicks.
 *
 * No loops: the MUC reflects the bot's own messages (ignored by nick), history replayed at join is ignored
 * (delayed lines before the room's subject: muc-history-gate.ts), and a room message that entered through this
 * account is never sent back.
 * SASL is SCRAM (or PLAIN over TLS), chosen by @xmpp/client; a connection that is not encrypted is accepted
 * only to a loopback address. @xmpp/reconnect is stopped: the supervisor reconnects.
 */
import { xml, type Client } from "@xmpp/client";
import type { Element } from "ltx";
import { roomsToRelayTo, type Adapter, type AdapterCapabilities, AdapterContext, RemoteRoomOptions, SendResult } from "../../core/adapter.js";
import { reactionAsAction } from "../../core/model/reactions.js";
import { GatewayError, hasErrorCode } from "../../core/errors.js";
import { sameAddress, type Address } from "../../core/model/address.js";
import type { Message } from "../../core/model/message.js";
import type { Room, RoomMember } from "../../core/model/room.js";
import type { XmppBotConfig, XmppBotRoomConfig } from "../../config/config-types.js";
import { checkEncrypted } from "./client-login.js";
import { jidParts, openClientConnection } from "./client-connection.js";
import { occupantOf } from "./account-muc-occupants.js";
import { ServerPingConfirmer } from "./stanza-confirmer.js";
import { closeQuietly, startConnection } from "./connection-lifecycle.js";
import { MucOccupants } from "./muc-occupants.js";
import { BotFailureReports } from "./bot-failure-reports.js";
import { BotMucMembers } from "./bot-muc-members.js";
import { BotMucLines } from "./bot-muc-lines.js";
import { MucLineIds } from "./muc-line-ids.js";
import { MucFeatures } from "./muc-features.js";
import { messageStanza } from "./retraction-stanzas.js";
import { bridgedRoom, mucAddress } from "./bot-addresses.js";
import { relayedLine } from "./bot-outgoing-lines.js";
import { hasUnsafeCharacters } from "../../core/model/text.js";
import { markRelayed, NS } from "./stanzas.js";

/** How long a kicked bot waits before joining the MUC again. */
const REJOIN_DELAY_MS = 2000;

// Where the gateway has always taken them from (gateway.ts, configured-networks.ts).
export { bridgedRoom, mucAddress };

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
    // Only its own relayed lines, which are all it sends: named by the room's stanza-id (muc-line-ids.ts).
    retractions: true,
    relaysRooms: true,
    puppets: false,
  };
  private connection: Client | undefined;
  private readonly occupants = new MucOccupants();
  /** Occupants whose line failed elsewhere are told, privately (bot-failure-reports.ts). */
  private readonly reports: BotFailureReports;
  /** The MUCs' occupants as members of the native rooms (bot-muc-members.ts). */
  private readonly members: BotMucMembers;
  /** The MUCs' lines to the native rooms, and their refusals of relayed ones (bot-muc-lines.ts). */
  private readonly lines: BotMucLines;
  /** The MUCs' stanza-ids of the lines the bot relayed, by which it retracts them (muc-line-ids.ts). */
  private readonly relayedIds: MucLineIds;
  /** What each MUC announced at the bot's join: whether its occupant ids and stanza-ids are its own (muc-features.ts). */
  private readonly features: MucFeatures;
  /** Bridged MUCs: the configured ones, then those added at runtime (bridgeRoom). */
  private readonly rooms: XmppBotRoomConfig[];
  private online = false;
  private stopping = false;
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
    this.relayedIds = new MucLineIds(context.mucLines);
    this.confirmer = new ServerPingConfirmer(jidParts(config.jid).domain, (element) => this.write(element), { unanswered: () => this.deadLink() });
    const bot = { jid: config.jid, online: (): boolean => this.online, roomOf: (muc: string) => this.roomOf(muc) };
    this.reports = new BotFailureReports(context, this.occupants, { ...bot, outOf: (muc) => this.outOf.has(muc), write: (element) => this.write(element) });
    this.members = new BotMucMembers(config, context, this.occupants, {
      ...bot,
      ownOccupantLeft: (room, codes, x) => this.ownOccupantLeft(room, codes, x),
      listed: (muc) => this.reports.listed(muc),
    });
    const ask = async (iq: Element): Promise<Element> => this.connection?.iqCaller.request(iq, 10_000) ?? Promise.reject(new GatewayError("GW_ERR_UNAVAILABLE", "not connected"));
    this.features = new MucFeatures(context.log, ask);
    this.lines = new BotMucLines(context, this.occupants, this.reports, (muc) => this.roomOf(muc), this.relayedIds, this.features);
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
      await startConnection(connection, 15_000);
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

  /** Adapter.realJidOf: an occupant of a bridged MUC, whose real JID the MUC shows the bot. */
  realJidOf(occupant: Address): string | undefined {
    if (occupant.protocol !== "xmpp" || occupant.account !== this.account) return undefined;
    const { muc, nick } = occupantOf(occupant.id);
    return nick === "" ? undefined : this.occupants.identify(muc, nick)?.realJid;
  }

  /** One of this bot's MUCs by its bare JID (an occupant, room@muc/nick, is not a room). */
  isRoom(address: Address): boolean {
    return address.protocol === "xmpp" && address.account === this.account && this.rooms.some((room) => mucAddress(this.account, room.muc).id === address.id);
  }

  /**
   * A message of a native room goes to every MUC bridged to it, unless it came from this account (a retraction as the
   * bot's retraction of its relayed line, muc-line-ids.ts). Resolves once
   * written; `confirmed` once the bot's server proved it read the lines.
   */
  async send(message: Message): Promise<SendResult> {
    if (message.scope !== "room") throw new GatewayError("GW_ERR_NO_ROUTE", "a bridge bot carries room messages only");
    // While a stop waits for its last barrier: what is written now would come after it, unconfirmed, and be sent twice.
    if (this.stopping) throw new GatewayError("GW_ERR_UNAVAILABLE", "the bot is stopping", { retryable: true });
    // The bot cannot react in anyone's name: what a reaction adds is its prefixed action line, a removal nothing (docs/xmpp.md).
    const action = message.reactsTo === undefined ? undefined : reactionAsAction(message);
    if (message.reactsTo !== undefined) return action === undefined ? { delivered: true } : this.send(action);
    const bridged = this.rooms.filter((room) => sameAddress(bridgedRoom(room), message.to));
    // Queued for a bridge an admin has since removed: its sender hears that it was not delivered.
    if (bridged.length === 0) throw new GatewayError("GW_ERR_NO_ROUTE", `${message.to.id} is not bridged by ${this.account} any more`);
    // Said in one of this bot's MUCs: never sent back there, only to the room's other MUCs.
    const rooms = roomsToRelayTo(message, "xmpp", this.account, bridged, (room) => mucAddress(this.account, room.muc));
    if (rooms.length === 0) return { delivered: true };
    // A retraction names the bot's line by each room's stanza-id of it, known once the MUC reflected the line.
    const retracts = message.retracts;
    const targets = retracts === undefined ? [] : await Promise.all(rooms.map((room) => this.relayedIds.retractionTarget(room.muc, retracts)));
    // A reply names the answered line by each room's stanza-id of it and the nick that said it there (bot-outgoing-lines.ts).
    const answered = message.replyTo?.id;
    const known = answered === undefined ? [] : await Promise.all(rooms.map((room) => this.relayedIds.lineOf(room.muc, answered)));
    if (this.stopping) throw new GatewayError("GW_ERR_UNAVAILABLE", "the bot is stopping", { retryable: true });
    const writes: Promise<void>[] = [];
    for (const [index, room] of rooms.entries()) {
      // What XML cannot carry (a control character a native client sent) is left out: written as is, it would end
      // the bot's stream, and the message, retried after the reconnect, would end it again.
      const target = targets[index];
      const line = target === undefined ? relayedLine(this.config.relay_format, room, message, known[index]) : messageStanza({ retracts: target }, { to: room.muc, type: "groupchat", id: message.id, body: "", kind: "text" });
      if (target === undefined) this.relayedIds.sent(room.muc, message.id);
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
   * tells them in a private message in the MUC, to them only (bot-failure-reports.ts).
   */
  reportFailure(message: Message, recipient: Address, error: GatewayError): Promise<void> {
    return this.reports.report(message, recipient, error);
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
    return this.members.shownIn(room.muc.toLowerCase());
  }

  /** A runtime bridge ended: the bot leaves the MUC. */
  async unbridgeRoom(remote: Address): Promise<void> {
    const index = this.rooms.findIndex((room) => room.muc.toLowerCase() === remote.id.toLowerCase());
    const room = this.rooms[index];
    if (!room) return;
    this.rooms.splice(index, 1);
    this.members.unbridged(room.muc.toLowerCase());
    this.lines.left(room.muc);
    this.features.forget(room.muc);
    this.outOf.delete(room.muc.toLowerCase());
    if (!this.online) return;
    this.leaving.add(room.muc.toLowerCase());
    await this.write(xml("presence", { to: `${room.muc}/${room.nick}`, type: "unavailable" })).catch(() => undefined);
  }

  private async joinMuc(room: XmppBotRoomConfig): Promise<void> {
    // XEP-0045 section 7.2: join with a nick, asking for no history (it was relayed when it happened), with the
    // room's password when it has one (7.2.6).
    this.occupants.joining(room.muc);
    this.lines.joining(room.muc);
    this.outOf.delete(room.muc.toLowerCase());
    const password = room.password === "" ? [] : [xml("password", {}, room.password)];
    await this.write(xml("presence", { to: `${room.muc}/${room.nick}` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" }, xml("history", { maxstanzas: "0" }), ...password)));
    this.features.joined(room.muc); // asked once the room has the bot (muc-features.ts)
    await this.context
      .joinRoom(bridgedRoom(room), { address: mucAddress(this.account, room.muc), nick: room.muc.split("@")[0] ?? room.muc, role: "member" })
      // A room that does not exist yet is a bridge being added at runtime: the core creates it next, with this
      // MUC as its owner (core/bridges.ts).
      .catch((error: unknown) => hasErrorCode(error, "GW_ERR_NOT_FOUND") || this.context.log.error({ err: error, muc: room.muc }, "bridged native room not joined"));
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
    if (stanza.name === "presence") return this.members.presence(stanza);
    if (stanza.name === "message" && stanza.attrs["type"] === "error") return this.lines.refused(stanza);
    if (stanza.name !== "message" || stanza.attrs["type"] !== "groupchat") return;
    this.lines.groupchat(stanza);
  }

  private forgetOccupants(): void {
    this.occupants.forget();
    this.reports.clear(); // those reports wait for the reconnect (network-reachable) instead
    this.members.clear();
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
    this.members.lost(room);
    this.occupants.forget(room.muc);
    this.reports.forget(key);
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
