/**
 * XMPP component (transport) mode, XEP-0114: Switchboard connects to an XMPP server's component port and
 * serves a domain on it. Everyone on another network is a JID on that domain (addressing.ts, docs/xmpp.md);
 * XMPP users add them to their rosters, chat with them and see their presence as with any other contact.
 *
 * The adapter owns one @xmpp/component connection. Its reconnect module is stopped: the core's supervisor is
 * the only reconnect loop (a lost connection is reported as "offline", and the supervisor calls stop() and
 * start() again after a backoff).
 *
 * A direct message counts as delivered once the server proved it read it (stanza-confirmer.ts: a ping the
 * server routes back to the component after it); until then it stays in the outbox, and a connection lost
 * first sends it again after the reconnect (the barriers: domain-ping-confirmer.ts).
 */
import type { Component } from "@xmpp/component";
import type { Element } from "ltx";
import type { Adapter, AdapterCapabilities, AdapterContext, ContactShowChange, SendResult, SubscriptionEvent, TypingEvent } from "../../core/adapter.js";
import type { Announcement, AnnouncementReach } from "../../core/announcements.js";
import { GatewayError } from "../../core/errors.js";
import type { Address } from "../../core/model/address.js";
import type { Message } from "../../core/model/message.js";
import type { Presence } from "../../core/model/presence.js";
import type { Room, RoomInvitation, RoomMember, RoomRemoval } from "../../core/model/room.js";
import type { XmppComponentConfig } from "../../config/config-types.js";
import type { GatewaySettingStore, GatewaySubscriberStore } from "../../store/store.js";
import { addressToJid, addressToXmppJid, jidToAddress, parseJid, xmppUserAddress } from "./addressing.js";
import { ComponentInbound } from "./component-inbound.js";
import { GatewayRooms } from "./gateway-rooms.js";
import { isRoomAddress, roomAtJid } from "./room-addresses.js";
import { openComponentConnection } from "./component-connection.js";
import { closeQuietly, startConnection } from "./connection-lifecycle.js";
import { askAvatar, askVcard, requestOf, type VcardOnce } from "./vcards.js";
import { photoOf } from "./avatar-stanzas.js";
import { AvatarCache } from "./avatar-cache.js";
import type { Avatar } from "../../core/model/avatar.js";
import type { ContactInfo } from "../../core/model/contact-info.js";
import { ContactCapabilities } from "./contact-capabilities.js";
import { registerIqServices } from "./component-iq-services.js";
import { askedBackRecord, GatewayContact } from "./gateway-contact.js";
import { AnnouncementAudience } from "./announcement-audience.js";
import { OccupantIds } from "./occupant-ids.js";
import { chatState, presence as presenceStanza, receipt, subscription as subscriptionStanza } from "./stanzas.js";
import { directChat, failureReply, serviceChat, shareRequest } from "./component-stanzas.js";
import { offerStanzas } from "./offered-contacts.js";
import { DomainPingConfirmer } from "./domain-ping-confirmer.js";
import { writeCorked, type StanzaWriter } from "./stanza-writer.js";
import { clearStaleOccupants, type GatewayRoomListing } from "./stale-occupants.js";

export type { GatewayRoomListing } from "./stale-occupants.js";

/** The resource the gateway's contacts appear with (`alice@gateway/switchboard`). */
export const CONTACT_RESOURCE = "switchboard";

const START_TIMEOUT_MS = 10_000;

const SUBSCRIPTION_TYPES = { request: "subscribe", approve: "subscribed", deny: "unsubscribed", remove: "unsubscribe" } as const;

export class XmppComponentAdapter implements Adapter {
  readonly protocol = "xmpp" as const;
  readonly capabilities: AdapterCapabilities = {
    directMessages: true,
    rooms: true,
    presence: true,
    subscriptions: true,
    typing: true,
    actions: true,
    notices: false,
    corrections: true,
    retractions: true,
    relaysRooms: false,
    puppets: false,
  };
  private connection: Component | undefined;
  private online = false;
  private stopping = false;
  private readonly inbound: ComponentInbound;
  private readonly rooms: GatewayRooms;
  /** The rooms' XEP-0421 occupant ids, made with a secret of the gateway's own read at start. */
  private readonly occupantIds: OccupantIds;
  /** XMPP users' avatars fetched from their vCards, kept a while (avatar-cache.ts). */
  private readonly photos = new AvatarCache();
  /** Each kind of contact's disco#info and caps (XEP-0115), worked out once. */
  private readonly contacts: ContactCapabilities;
  /** The domain itself as a roster contact (gateway-contact.ts). */
  private readonly gateway: GatewayContact;
  /** The XMPP users online told announcements and the message of the day (announcement-audience.ts). */
  private readonly audience: AnnouncementAudience;
  /** A direct message counts as delivered once the server proved it read it (domain-ping-confirmer.ts). */
  private readonly confirmer: DomainPingConfirmer;

  /**
   * `listRooms` gives the gateway's rooms with their members: for service discovery (XEP-0030 disco#items on
   * the domain), and to clear occupants left over from a run that ended without a clean stop. `occupantSecret`
   * gives the gateway's secret for occupant ids (core/gateway-secrets.ts, occupant-ids.ts). `subscribers` keeps who
   * subscribed to the domain itself (gateway-contact.ts), `settings` that they were all asked for their presence once.
   */
  constructor(
    private readonly config: XmppComponentConfig,
    private readonly context: AdapterContext,
    private readonly listRooms: () => Promise<readonly GatewayRoomListing[]>,
    occupantSecret: () => Promise<Buffer>,
    subscribers: GatewaySubscriberStore,
    settings: GatewaySettingStore,
  ) {
    const write = (element: Element): Promise<void> => this.write(element);
    const writer: StanzaWriter = { one: write, all: (elements) => writeCorked(this.connection?.socket, elements, write) };
    this.confirmer = new DomainPingConfirmer(config.domain, write, context.log, { unanswered: () => this.deadLink() });
    this.occupantIds = new OccupantIds(occupantSecret);
    this.rooms = new GatewayRooms(config.domain, context, writer, this.occupantIds, config.room_history);
    this.contacts = new ContactCapabilities(config.name, (address) => context.takesDirectMessages(address));
    this.audience = new AnnouncementAudience(config.domain, writer.all, () => context.messageOfTheDay.current(), (error) => context.log.warn({ err: error }, "announcement not sent to XMPP users"));
    const linked = (jid: string): boolean => context.linkedPerson(xmppUserAddress(jid, context.account)) !== undefined;
    this.gateway = new GatewayContact(config.domain, subscribers, writer, context.log, this.audience, linked, { askedBack: askedBackRecord(settings, config.domain) });
    this.inbound = new ComponentInbound(config.domain, context, write, this.rooms, config.messages_from, this.contacts, this.gateway, this.audience, this.photos);
  }

  stats(): Readonly<Record<string, number>> {
    return this.rooms.counts();
  }

  get account(): string {
    return this.context.account;
  }

  async start(): Promise<void> {
    this.stopping = false;
    // Before any occupant can join: a store that fails here fails the start, which the supervisor retries.
    await this.occupantIds.load();
    const connection = openComponentConnection(this.config, (iq) => this.confirmer.cameBack(iq));
    connection.on("stanza", (stanza: Element) => this.inbound.handle(stanza));
    connection.on("error", (error: Error) => this.context.log.warn({ err: error }, "XMPP component error"));
    connection.on("offline", () => this.lost());
    connection.on("disconnect", () => this.lost());
    const { config, context, listRooms, rooms, contacts, occupantIds, gateway } = this;
    registerIqServices(connection, { config, context, listRooms, rooms, contacts, occupantIds, gateway, write: (element) => this.write(element) });
    this.connection = connection;
    try {
      // A refused handshake (wrong secret) fails the start, and a hanging one after the timeout: either is retried.
      await startConnection(connection, START_TIMEOUT_MS);
    } catch (error: unknown) {
      this.connection = undefined;
      await closeQuietly(connection);
      throw new GatewayError("GW_ERR_UNAVAILABLE", `cannot connect to the XMPP server at ${this.config.host}:${this.config.port} as ${this.config.domain}: ${(error as Error).message}`, {
        cause: error,
        retryable: true,
      });
    }
    this.online = true;
    await clearStaleOccupants(await this.listRooms(), this.context);
    // Those who have the domain in their rosters see it available again (after a restart too: the store keeps them),
    // in paced batches that the start does not wait for (gateway-contact.ts).
    void this.gateway.online().catch((error: unknown) => this.context.log.warn({ err: error }, "the gateway's presence not sent to its subscribers"));
    this.context.log.info({ domain: this.config.domain, server: `${this.config.host}:${this.config.port}` }, "XMPP component online");
    this.context.setStatus("online");
    this.context.dispatch({ type: "network-reachable", protocol: "xmpp", account: this.account });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    // While the connection still works: occupants of the gateway's rooms are told the service is going away
    // (XEP-0045 status 332), so their clients know to join again instead of talking into a room that forgot them.
    if (this.online) await this.rooms.shutdown().catch((error: unknown) => this.context.log.debug({ err: error }, "room shutdown notice not sent"));
    if (this.online) await this.gateway.offline().catch((error: unknown) => this.context.log.debug({ err: error }, "the gateway's unavailable presence not sent"));
    // What the server reads before the close is confirmed, not sent again after a restart.
    if (this.online) await this.confirmer.finalBarrier();
    this.online = false;
    this.confirmer.failAll();
    this.inbound.reset();
    const connection = this.connection;
    this.connection = undefined;
    if (!connection) return;
    await closeQuietly(connection);
  }

  /** Any well-formed bare JID can receive: the XMPP server routes or bounces it. */
  async knows(address: Address): Promise<boolean> {
    if (address.protocol !== "xmpp" || address.account !== this.account) return false;
    try {
      xmppUserAddress(address.id, this.account);
      return true;
    } catch {
      return false;
    }
  }

  /** "Who is this?" about an XMPP user: their vCard, asked of their server (vcards.ts askVcard). */
  contactInfo(subject: Address): Promise<ContactInfo> {
    if (subject.protocol !== "xmpp" || subject.account !== this.account) return Promise.reject(new GatewayError("GW_ERR_BAD_ADDRESS", `${subject.id} is not served here`));
    // A server's "no vCard of them" is kept with the avatars (avatar-cache.ts): asked again only after a while.
    return this.photos.vcard(subject.id, () => askVcard(this.online ? this.connection : undefined, this.config.domain, subject));
  }

  /**
   * An XMPP user's avatar: the one she published with PEP (XEP-0084), asked from the viewer's JID (her server lets
   * those she shares her presence with read it), else her vCard's PHOTO (vcards.ts askAvatar); cached by JID a while.
   */
  avatar(subject: Address, viewer: Address): Promise<Avatar | undefined> {
    if (subject.protocol !== "xmpp" || subject.account !== this.account) return Promise.reject(new GatewayError("GW_ERR_BAD_ADDRESS", `${subject.id} is not served here`));
    const from = viewer.protocol === "native" ? addressToJid(viewer, this.config.domain) : this.config.domain;
    const vcardOnce: VcardOnce = (ask) => this.photos.vcard(subject.id, ask);
    return this.photos.get(subject.id, from, () => askAvatar(requestOf(this.online ? this.connection : undefined), { pep: from, vcard: this.config.domain }, subject, vcardOnce));
  }

  /** A room JID of the gateway's own domain (#room@domain, #chan%network@domain): a MUC to join, never a chat's recipient. */
  isRoom(address: Address): boolean {
    return address.protocol === "xmpp" && address.account === this.account && roomAtJid(address.id, this.config.domain) !== undefined;
  }

  /** A person's JID of the gateway's own domain: the XMPP face of a native or IRC user, whom the gateway reaches directly. */
  standsFor(address: Address): Address | undefined {
    if (address.protocol !== "xmpp" || address.account !== this.account || address.id.includes("/")) return undefined;
    // Most direct messages go to other domains: told apart without parsing (or throwing) on every message sent.
    if (!address.id.endsWith(`@${this.config.domain}`)) return undefined;
    try {
      const meant = jidToAddress(address.id, this.config.domain);
      return isRoomAddress(meant) ? undefined : meant; // a room JID is a room (isRoom), not anyone's face
    } catch {
      return undefined; // another domain, the bare domain, or a localpart that is nobody's: the server's to route
    }
  }

  /**
   * A direct message resolves once written, with `confirmed` once the server proved it read it. A room message
   * goes to the occupants there are now (they are not queued for: core/room-routing.ts), once written.
   */
  async send(message: Message, recipient: Address = message.to): Promise<SendResult> {
    if (message.scope === "room") {
      await this.rooms.deliver(message);
      return { delivered: true };
    }
    // While a stop waits for its last barrier: what is written now would come after it, unconfirmed, and be sent twice.
    if (this.stopping) throw new GatewayError("GW_ERR_UNAVAILABLE", "the XMPP component is stopping", { retryable: true });
    const writing = this.write(directChat(message, recipient, this.config.domain, this.inbound.awaited.request(message, recipient)));
    // Tracked as soon as the socket has it: a barrier sent before its write callback would not cover it.
    const confirmed = this.confirmer.track(writing);
    await writing;
    return { delivered: true, confirmed };
  }

  async sendPresence(presence: Presence, to: Address): Promise<void> {
    const from = `${addressToJid(presence.from, this.config.domain)}/${CONTACT_RESOURCE}`;
    const caps = this.contacts.capsOf(presence.from);
    const photo = photoOf(presence.from, (owner) => this.context.avatars.refOf(owner));
    await this.write(presenceStanza({ from, to: addressToXmppJid(to), show: presence.show, status: presence.status, priority: presence.priority, ...(caps === undefined ? {} : { caps }), ...photo }));
  }

  /** A probe from the watcher's JID (RFC 6121 4.3): answered with the subject's presence where the watcher is subscribed. */
  async watchPresence(subject: Address, watcher: Address): Promise<void> {
    await this.write(subscriptionStanza(addressToJid(watcher, this.config.domain), addressToXmppJid(subject), "probe"));
  }

  /**
   * A person's own linked JID, which the person has no subscription to (a link is not a contact), is asked to share
   * its presence with the person's JID (RFC 6121 3.1.1). Its user approves once; from then on a probe is answered.
   * Asked once per link (core/link-requests.ts): her server keeps a request she has not answered (3.1.3).
   */
  async askToShare(subject: Address, watcher: Address): Promise<void> {
    await this.write(shareRequest(this.config.domain, subject, watcher));
  }

  /** A JID unlinked from its person: the person's JID no longer asks for its presence, unless it is their contact too. */
  async unwatchAccount(address: Address, person: Address): Promise<void> {
    if (address.protocol !== "xmpp" || address.account !== this.account || (await this.context.probe(address, person)) !== undefined) return;
    await this.write(subscriptionStanza(addressToJid(person, this.config.domain), addressToXmppJid(address), "unsubscribe"));
  }

  async setPresence(_presence: Presence): Promise<void> {
    // In component mode the gateway has no presence of its own on the XMPP server.
  }

  async sendSubscription(event: SubscriptionEvent): Promise<void> {
    await this.write(subscriptionStanza(addressToJid(event.from, this.config.domain), addressToXmppJid(event.to), SUBSCRIPTION_TYPES[event.action]));
  }

  /** A contact of a person's buddy list shown to the person's linked JID (offered-contacts.ts). */
  async showContact(viewer: Address, contact: Address, name: string, change: ContactShowChange): Promise<void> {
    const offer = { contactJid: addressToJid(contact, this.config.domain), viewerJid: addressToXmppJid(viewer), name, resource: CONTACT_RESOURCE };
    for (const stanza of offerStanzas(offer, change)) await this.write(stanza);
  }

  /** An admin's announcement: a headline from the domain to each XMPP user of the gateway online now (announcement-audience.ts). */
  announce(announcement: Announcement): AnnouncementReach {
    return this.online ? this.audience.announce(announcement) : { users: 0, sessions: 0 };
  }

  /** The gateway speaks as itself: a chat from the component's bare domain (a link code, its answer). */
  async sendServiceMessage(to: Address, text: string): Promise<void> {
    await this.write(serviceChat(this.config.domain, to, text));
  }

  async sendTyping(event: TypingEvent): Promise<void> {
    await this.write(chatState(addressToJid(event.from, this.config.domain), addressToXmppJid(event.to), event.state));
  }

  /** The XMPP sender learns of the failure as an error reply to its message (RFC 6120 section 8.3). */
  async reportFailure(message: Message, recipient: Address, error: GatewayError): Promise<void> {
    await this.write(failureReply(message, recipient, this.config.domain, error));
  }

  /** XEP-0184: a message whose sender asked for a receipt is acknowledged once the gateway delivered it. */
  async reportDelivered(message: Message, recipient: Address): Promise<void> {
    if (message.origin.protocol !== "xmpp" || message.origin.id === undefined) return;
    if (!this.inbound.receipts.take(message.from, message.origin.id)) return;
    await this.write(receipt(addressToJid(recipient, this.config.domain), addressToXmppJid(message.from), message.origin.id));
  }

  async joinRoom(): Promise<Room> {
    throw new GatewayError("GW_ERR_NO_ROUTE", "rooms on XMPP servers are reached in client mode, which is not available yet");
  }

  async leaveRoom(): Promise<void> {
    throw new GatewayError("GW_ERR_NO_ROUTE", "rooms on XMPP servers are reached in client mode, which is not available yet");
  }

  /** XEP-0045 7.8.2: the room invites an XMPP user (room-invitations.ts); a JID of the gateway's own domain is nobody's. */
  async sendInvitation(invitation: RoomInvitation): Promise<void> {
    const to = invitation.to;
    if (to.protocol !== "xmpp" || to.account !== this.account || parseJid(addressToXmppJid(to)).domain.toLowerCase() === this.config.domain.toLowerCase()) {
      throw new GatewayError("GW_ERR_BAD_ADDRESS", `${to.id} is served by this gateway itself: invite the person by their own address`);
    }
    await this.write(this.rooms.invitations.invitationStanza(invitation));
  }

  /** XEP-0045 7.8.2: the decline of someone an XMPP user invited, forwarded from the room. */
  async sendDecline(decline: RoomInvitation): Promise<void> {
    await this.write(this.rooms.invitations.declineStanza(decline));
  }

  async sendTopic(room: Address, topic: string, by?: RoomMember): Promise<void> {
    await this.rooms.subject(room, topic, by);
  }

  async sendMembership(room: Address, member: RoomMember, event: "joined" | "left", removal?: RoomRemoval): Promise<void> {
    await this.rooms.membership(room, member, event, removal);
  }

  async roomDestroyed(room: Address, members: readonly RoomMember[], reason: string): Promise<void> {
    await this.rooms.destroyed(room, members, reason);
  }

  async sendMemberChange(room: Address, member: RoomMember, changed: RoomMember): Promise<void> {
    await this.rooms.memberChanged(room, member, changed);
  }

  private async write(element: Element): Promise<void> {
    const connection = this.connection;
    if (!connection || !this.online) throw new GatewayError("GW_ERR_UNAVAILABLE", "the XMPP server is not connected", { retryable: true });
    try {
      await connection.send(element);
    } catch (error: unknown) {
      throw new GatewayError("GW_ERR_UNAVAILABLE", `the XMPP server connection failed: ${(error as Error).message}`, { cause: error, retryable: true });
    }
  }

  /** A barrier went unanswered (stanza-confirmer.ts): the link is dead though its socket is not closed yet. */
  private deadLink(): void {
    this.context.log.warn({ domain: this.config.domain }, "the XMPP server did not answer a delivery barrier: reconnecting");
    this.lost();
  }

  private lost(): void {
    this.confirmer.failAll(); // also while stopping: a stop waiting for its last barrier on a dead connection goes on
    if (!this.online || this.stopping) return;
    this.online = false;
    this.inbound.reset();
    this.context.log.warn({ domain: this.config.domain }, "XMPP component connection lost");
    this.context.setStatus("offline", new Error("connection to the XMPP server lost"));
  }
}
