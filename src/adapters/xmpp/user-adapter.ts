/**
 * A linked account (the BitlBee model): a native user's own XMPP account, in client mode. Switchboard logs in
 * as the user, mirrors their roster into their buddy list, shows them their contacts' presence, sets their
 * XMPP presence from their native presence, and carries their chats both ways. One adapter per linked user,
 * account `u.<user>`; the user's XMPP contacts are `xmpp://u.<user>/<bare JID>` (lower case) and relate to
 * that user only (Adapter.owner; the core refuses anyone else).
 *
 * RFC 6121: the roster is fetched at every login (section 2.1.3) and kept by roster pushes (2.1.6, accepted
 * only from the account itself), and the owner's contact.add and contact.remove edit it (2.3, 2.5; the
 * component's `xmpp:` addresses are added through the account, routeOf: her own JID asks, not the gateway's);
 * presence per resource is aggregated (account-contact-presence.ts); what contacts send is account-inbound.ts; an inbound subscribe (3.1) asks the owner;
 * subscribed, unsubscribe and unsubscribed need no answer here, since the server follows each with a roster push
 * that carries the new state. Chat states (XEP-0085), corrections (XEP-0308), retractions (XEP-0424) and reactions (XEP-0444, also in her MUCs) both ways,
 * /me (XEP-0245) both ways. Private messages with the occupants of her MUCs (XEP-0045 7.5) are chats with their occupant addresses
 * (account-mucs.ts). Message carbons (XEP-0280) where the server offers them (carbons.ts): the user's chats from her other
 * clients reach her sessions too, both sides.
 *
 * Presence: the owner's presence goes out as the account's broadcast presence (show, status, priority). When
 * the owner goes offline the account sends unavailable and stays connected: the XMPP server then keeps
 * messages sent to the bare JID for later (offline storage) and delivers them at the next available presence,
 * and stops sending contacts' presence, which is shown as offline meanwhile.
 *
 * Its connection (login, writes, delivery barriers, loss) is account-session.ts.
 */
import type { Client } from "@xmpp/client";
import type { Element } from "ltx";
import type { Adapter, AdapterCapabilities, AdapterContext, JoinOptions, OwnRoomBan, SendResult, SubscriptionEvent, TypingEvent } from "../../core/adapter.js";
import { GatewayError } from "../../core/errors.js";
import { addressKey, sameAddress, type Address } from "../../core/model/address.js";
import type { Message } from "../../core/model/message.js";
import type { Presence } from "../../core/model/presence.js";
import type { Room, RoomMember } from "../../core/model/room.js";
import { accountRoute, addressToXmppJid, xmppUserAddress } from "./addressing.js";
import { Carbons } from "./carbons.js";
import { AccountBlocking } from "./account-blocking.js";
import { flushPing, OfflineDelivery } from "./offline-delivery.js";
import { checkCredentials } from "./credential-check.js";
import { jidParts } from "./client-connection.js";
import { stanzaConditionFor } from "./error-conditions.js";
import { AwaitedReceipts } from "./awaited-receipts.js";
import { AccountSession, LOGIN_TIMEOUT_MS } from "./account-session.js";
import { USER_RESOURCE, type XmppUserAccount } from "./user-account.js";
import { AccountRoster } from "./account-roster.js";
import { AccountContactPresence } from "./account-contact-presence.js";
import { AvatarCache } from "./avatar-cache.js";
import { askAvatar } from "./vcards.js";
import type { Avatar } from "../../core/model/avatar.js";
import { AccountInbound } from "./account-inbound.js";
import { ACCOUNT_CAPS, answerDiscoInfo } from "./account-caps.js";
import { AccountMucs } from "./account-mucs.js";
import { AccountMucModeration } from "./account-muc-moderation.js";
import { accountChat, accountReactedId, accountReply } from "./account-chats.js";
import { chatMessage, chatState, presence as presenceStanza, stanzaError, subscription as subscriptionStanza } from "./stanzas.js";

export { USER_RESOURCE, type XmppUserAccount } from "./user-account.js";

/** How long a MUC admin request (a kick, a ban) waits for the room's answer. */
const MUC_REQUEST_TIMEOUT_MS = 10_000;

const SUBSCRIPTION_TYPES = { request: "subscribe", approve: "subscribed", deny: "unsubscribed", remove: "unsubscribe" } as const;

export class XmppUserAdapter implements Adapter {
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
  readonly owner: Address;
  private readonly ownJid: string;
  /** The account's connection: login, writes, delivery barriers (account-session.ts). */
  private readonly session: AccountSession;
  /** Whether the account's current XMPP presence is available (sent since the login, not withdrawn). */
  private available = false;
  /** The contacts' presence, reported to the core; all offline while the account does not hear it. */
  private readonly contactPresence: AccountContactPresence;
  /** Her contacts' avatars fetched through the account, kept a while (avatar-cache.ts). */
  readonly photos = new AvatarCache();
  /** Receipts asked of contacts for the owner, when a session of hers asked for receipts (awaited-receipts.ts). */
  private readonly awaited: AwaitedReceipts;
  private readonly carbons: Carbons;
  /** Whether her server is handing over the chats it kept (offline-delivery.ts): only those may carry its delay. */
  private readonly offline = new OfflineDelivery();
  /** Her server's block list (XEP-0191, account-blocking.ts). */
  private readonly blocking: AccountBlocking;
  private readonly roster: AccountRoster;
  /** Chats and presence from the account's contacts (account-inbound.ts). */
  private readonly inbound: AccountInbound;
  /** The MUCs the owner joins through the account (account-mucs.ts). */
  private readonly mucs: AccountMucs;
  private readonly moderation: AccountMucModeration; // her kicks and bans there

  constructor(
    private readonly config: XmppUserAccount,
    private readonly context: AdapterContext,
  ) {
    this.owner = config.owner;
    this.awaited = new AwaitedReceipts(context);
    this.session = new AccountSession(config, context, {
      stanza: (stanza) => this.stanza(stanza),
      opened: (connection) => {
        this.roster.listen(connection);
        answerDiscoInfo(connection); // for the caps of its presence (account-caps.ts)
      },
      loggedIn: (connection) => this.loggedIn(connection),
      forget: () => {
        this.contactPresence.forget();
        this.mucs.lost();
      },
    });
    this.ownJid = xmppUserAddress(config.jid, context.account).id;
    this.blocking = new AccountBlocking(context.log);
    this.carbons = new Carbons(context, this.owner, this.ownJid, USER_RESOURCE, (jid) => this.mucs.occupantAt(jid)?.address);
    this.roster = new AccountRoster(context, this.owner, this.ownJid);
    this.contactPresence = new AccountContactPresence(
      (presence, avatarChanged) => context.dispatch({ type: "presence", presence, ...(avatarChanged === true ? { avatarChanged } : {}) }),
      (address) => this.roster.has(address.id),
    );
    const write = (element: Element): Promise<void> => this.write(element);
    this.mucs = new AccountMucs(context, this.owner, write, config.rooms, (iq) => this.connected().iqCaller.request(iq, MUC_REQUEST_TIMEOUT_MS));
    this.moderation = new AccountMucModeration(this.mucs, this.ownJid, context.account, (iq) => this.connected().iqCaller.request(iq, MUC_REQUEST_TIMEOUT_MS));
    const occupantAt = (jid: string): ReturnType<AccountMucs["occupantAt"]> => this.mucs.occupantAt(jid);
    this.inbound = new AccountInbound({ context, owner: this.owner, ownJid: this.ownJid, carbons: this.carbons, awaited: this.awaited, contactPresence: this.contactPresence, photos: this.photos, occupantAt, write, offline: this.offline });
  }

  get account(): string {
    return this.context.account;
  }

  async start(): Promise<void> {
    const connection = await this.session.start();
    this.context.log.info({ jid: this.config.jid, encrypted: connection.isSecure(), owner: addressKey(this.owner) }, "XMPP account online");
    this.context.setStatus("online");
    // The core answers with the owner's current presence (setPresence) and sends what waits in the outbox.
    this.context.dispatch({ type: "network-reachable", protocol: "xmpp", account: this.account });
  }

  /** Whether the password logs in now, beside a running session of the account (credential-check.ts). */
  checkCredentials(): Promise<void> {
    return checkCredentials(this.config, USER_RESOURCE, LOGIN_TIMEOUT_MS);
  }

  stop(): Promise<void> {
    return this.session.stop();
  }

  /** Any well-formed bare JID other than the account's own (the XMPP server routes or bounces it), and the occupants of her MUCs. */
  async knows(address: Address): Promise<boolean> {
    if (address.protocol !== "xmpp" || address.account !== this.account) return false;
    if (this.mucs.occupantJid(address) !== undefined) return true;
    try {
      const folded = xmppUserAddress(address.id, this.account);
      return folded.id === address.id && !address.id.includes("/") && address.id.includes("@") && address.id !== this.ownJid;
    } catch {
      return false;
    }
  }

  /**
   * A MUC she joined through the account (or kept from before a restart): it takes room messages only (room.send), a
   * chat to its bare JID would only bounce. Other MUCs are not known as such: their JIDs pass as any contact's.
   */
  isRoom(address: Address): boolean {
    return address.protocol === "xmpp" && address.account === this.account && this.mucs.has(address);
  }

  /** Resolves once written; `confirmed` once the account's server proved it read the chat. */
  async send(message: Message, recipient: Address = message.to): Promise<SendResult> {
    if (message.scope === "room") return this.mucs.send(message);
    this.checkOwner(message.from);
    // While a stop waits for its last barrier: what is written now would come after it, unconfirmed, and be sent twice.
    if (this.session.stopping) throw new GatewayError("GW_ERR_UNAVAILABLE", `the XMPP account ${this.config.jid} is stopping`, { retryable: true });
    const occupant = this.mucs.occupantJid(recipient);
    const requestReceipt = this.awaited.request(message, recipient);
    const named = await this.carbons.namedAtContact(message);
    const jid = occupant ?? addressToXmppJid(recipient);
    const names = { owner: this.owner, ownJid: this.config.jid, idAtContact: (id: string): Promise<string> => this.carbons.idAtContact(id) };
    const reply = await accountReply(message, jid, names);
    const reactedId = await accountReactedId(message, { ...names, originIdOf: (id) => this.inbound.originIdOf(id) }); // XEP-0444 (account-chats.ts)
    const writing = this.write(accountChat(named, { jid, occupant: occupant !== undefined, requestReceipt, reply, reactedId }));
    // Tracked as soon as the socket has it: a barrier sent before its write callback would not cover it.
    const confirmed = this.session.confirmer.track(writing);
    await writing;
    return { delivered: true, confirmed };
  }

  async sendPresence(): Promise<void> {
    // The XMPP server sends the account's presence to its contacts itself (setPresence broadcasts it).
  }

  async watchPresence(): Promise<void> {
    // The XMPP server sends the contacts' presence after the account's available presence (RFC 6121 4.2.2).
  }

  /** The owner's presence becomes the account's: available with show, status and priority, or unavailable. */
  /** Adapter.blockOnServer: her block of a JID kept by her server too, where it offers XEP-0191. */
  blockOnServer(jid: string, blocked: boolean): Promise<void> {
    return this.blocking.push(this.connected(), jid, blocked);
  }

  /** Adapter.realJidOf: an occupant of one of her rooms, whose real JID the room shows her. */
  realJidOf(occupant: Address): string | undefined {
    return this.mucs.occupantIdentity(occupant)?.realJid;
  }

  async setPresence(presence: Presence): Promise<void> {
    if (!sameAddress(presence.from, this.owner) || !this.session.online) return;
    if (presence.show === "offline") {
      if (!this.available) return;
      this.available = false;
      this.contactPresence.forget();
      this.mucs.unavailable(); // the rooms drop her occupant: joined again (account-mucs.ts)
      await this.write(presenceStanza({ show: "offline" }));
      return;
    }
    const kept = !this.available; // her server hands over the chats it kept upon this presence (offline-delivery.ts)
    this.available = true;
    const written = this.write(presenceStanza({ show: presence.show, status: presence.status, priority: presence.priority, caps: ACCOUNT_CAPS }));
    if (kept) {
      this.offline.during(async () => {
        await written;
        await this.connected().iqCaller.request(flushPing(jidParts(this.config.jid).domain), MUC_REQUEST_TIMEOUT_MS);
      });
    }
    await written;
  }

  async sendSubscription(event: SubscriptionEvent): Promise<void> {
    this.checkOwner(event.from);
    await this.write(subscriptionStanza(undefined, addressToXmppJid(event.to), SUBSCRIPTION_TYPES[event.action]));
  }

  /** `xmpp:juliet@example.org` is `xmpp://u.alice/juliet@example.org` for the owner: her own JID is her identity on XMPP. */
  routeOf(address: Address): Address | undefined {
    return accountRoute(address, this.account, this.ownJid, this.config.gatewayDomain);
  }

  /** contact.add: a roster set (RFC 6121 2.3); the server's push then updates the buddy list (account-roster.ts). */
  async addContact(owner: Address, address: Address, name: string | undefined): Promise<void> {
    this.checkOwner(owner);
    if (!(await this.knows(address))) throw new GatewayError("GW_ERR_BAD_ADDRESS", `${address.id} is not a contact this account can have`);
    await this.roster.add(this.connected(), addressToXmppJid(address), name);
  }

  /** contact.remove: a roster set with subscription="remove" (2.5), which cancels the subscriptions both ways. */
  async removeContact(owner: Address, address: Address): Promise<void> {
    this.checkOwner(owner);
    await this.roster.remove(this.connected(), addressToXmppJid(address));
  }

  async sendTyping(event: TypingEvent): Promise<void> {
    this.checkOwner(event.from);
    await this.write(chatState(undefined, this.jidOf(event.to), event.state));
  }

  /** A contact's message that never reached the owner: the contact gets an error reply to it (RFC 6120 8.3). */
  async reportFailure(message: Message, _recipient: Address, error: GatewayError): Promise<void> {
    const { type, condition } = stanzaConditionFor(error.code);
    const original = chatMessage({ from: this.jidOf(message.from), to: this.ownJid, id: message.origin.id ?? message.id, body: message.body, kind: message.kind });
    await this.write(stanzaError(original, type, condition, error.message));
  }

  async reportDelivered(): Promise<void> {
    // Contacts' requests for receipts are not answered through linked accounts (the owner's own client is not here).
  }

  /** The owner joins a MUC through the account (core/own-rooms.ts): resolves once the MUC took her in (account-mucs.ts). */
  async joinRoom(room: Address, member: Address, options: JoinOptions = {}): Promise<Room> {
    this.checkOwner(member);
    this.connected();
    return this.mucs.join(room, options.nick ?? member.id, options.key);
  }

  async leaveRoom(room: Address, member: Address): Promise<void> {
    this.checkOwner(member);
    await this.mucs.leave(room);
  }

  ownRoom(room: Address): Room | undefined {
    return room.account === this.account ? this.mucs.ownRoom(room) : undefined;
  }

  ownRoomList(): Room[] {
    return this.mucs.ownRoomList();
  }

  ownRoomLineKnown(room: Address, messageId: string): Promise<boolean> {
    return this.mucs.lineKnown(room, messageId);
  }

  renameInOwnRoom(room: Address, nick: string): Promise<RoomMember> {
    return this.mucs.rename(room, nick);
  }

  setOwnRoomSubject(room: Address, subject: string): Promise<void> {
    return this.mucs.setSubject(room, subject);
  }

  /** A mediated invitation to a bare JID (her contact's, or any XMPP address's): the room passes it on from her JID. */
  async inviteToOwnRoom(room: Address, to: Address, reason: string): Promise<void> {
    const jid = addressToXmppJid(to);
    if (jid.includes("/") || !jid.includes("@") || jid === this.ownJid) throw new GatewayError("GW_ERR_BAD_ADDRESS", `${to.id} is nobody to invite into a room`);
    await this.mucs.invite(room, jid, reason);
  }

  kickFromOwnRoom(room: Address, occupant: Address, reason: string): Promise<void> {
    return this.moderation.kick(room, occupant, reason);
  }

  banInOwnRoom(room: Address, person: Address, reason: string): Promise<void> {
    return this.moderation.ban(room, person, reason);
  }

  unbanInOwnRoom(room: Address, person: Address): Promise<void> {
    return this.moderation.unban(room, person);
  }

  ownRoomBans(room: Address): Promise<OwnRoomBan[]> {
    return this.moderation.bans(room);
  }

  async sendMembership(): Promise<void> {}
  async sendMemberChange(): Promise<void> {}
  async sendTopic(): Promise<void> {}

  private checkOwner(from: Address): void {
    if (!sameAddress(from, this.owner)) throw new GatewayError("GW_ERR_FORBIDDEN", `only ${addressKey(this.owner)} speaks through ${this.config.jid}`);
  }

  /** After each login: the roster, carbons where offered, and her MUCs joined again. */
  private async loggedIn(connection: Client): Promise<void> {
    this.available = false;
    await this.context.syncContacts(this.owner, await this.roster.fetch(connection));
    await this.carbons.enable(connection, jidParts(this.config.jid).domain);
    await this.blocking.discover(connection, jidParts(this.config.jid).domain);
    // Her blocks of JIDs from before the link, or made while offline, given to her server too (account-blocking.ts).
    const jids = (this.context.blockedBy?.(this.owner) ?? []).filter((blocked) => blocked.protocol === "xmpp").map((blocked) => blocked.id);
    void this.blocking.sync(connection, jids);
    this.mucs.rejoin();
  }

  private stanza(stanza: Element): void {
    if (stanza.name === "presence" ? this.mucs.presence(stanza) : stanza.name === "message" && this.mucs.message(stanza)) return;
    const work = stanza.name === "message" ? this.inbound.message(stanza) : stanza.name === "presence" ? this.inbound.presence(stanza) : Promise.resolve();
    work.catch((error: unknown) => this.context.log.error({ err: error, stanza: stanza.name }, "XMPP stanza not handled"));
  }

  /** A contact's bare JID, or the full JID of an occupant of one of her MUCs (a private message's peer). */
  private jidOf(address: Address): string {
    return this.mucs.occupantJid(address) ?? addressToXmppJid(address);
  }

  /**
   * A contact's avatar, asked through the account (her server lets its contacts read PEP nodes): the one she
   * published with PEP (XEP-0084), else her vCard's PHOTO (vcards.ts askAvatar); kept a while (avatar-cache.ts).
   */
  avatar(subject: Address): Promise<Avatar | undefined> {
    if (subject.protocol !== "xmpp" || subject.account !== this.context.account) return Promise.reject(new GatewayError("GW_ERR_BAD_ADDRESS", `${subject.id} is not served here`));
    const request = this.session.online ? (iq: Element, timeoutMs: number) => this.connected().iqCaller.request(iq, timeoutMs) : undefined;
    return this.photos.get(subject.id, this.ownJid, () => askAvatar(request, {}, subject, (ask) => this.photos.vcard(subject.id, ask)));
  }

  private connected(): Client {
    return this.session.connected();
  }

  private write(element: Element): Promise<void> {
    return this.session.write(element);
  }
}
