/**
 * The router: takes normalized traffic from any adapter and delivers it to the adapters of its targets.
 * It knows no protocol: targets are found by address (protocol and account select the adapter).
 *
 * Messages: submit() checks the target, assigns the gateway id, starts delivery and resolves once the message
 * is stored durably (the adapter acknowledges the sender). Direct messages go through the outbox
 * (store-and-forward, in order). Room messages go to the room's adapter, which fans them out to the members
 * connected now (the log keeps them for history), and through the outbox to every adapter that relays the
 * room to a room of its network (an IRC channel, a bot's MUC: `relaysRooms`), which must get all of them
 * (core/room-routing.ts).
 *
 * Presence from any network goes through core/presence-routing.ts, subscriptions, probes and own accounts' buddy
 * lists through core/contact-routing.ts; what the router is given is core/router-dependencies.ts.
 */
import type { DeliveryReceipt, InboundEvent, JoinOptions, SubmitOptions } from "./adapter.js";
import { ContactRouting } from "./contact-routing.js";
import { GatewayError } from "./errors.js";
import { addressKey, sameAddress, type Address, type ProtocolId } from "./model/address.js";
import type { Contact } from "./model/contact.js";
import { bodyTooLong, MAX_BODY_LENGTH, type Message, type MessageDraft, type MessageModeration } from "./model/message.js";
import { stamped } from "./model/sent-at.js";
import { acceptedAttachments } from "./model/attachments.js";
import type { Presence } from "./model/presence.js";
import { LinkedPersons } from "./linked-persons.js";
import { checkCorrection, checkRetraction } from "./message-references.js";
import { checkedReply } from "./message-replies.js";
import { checkedReaction } from "./message-reactions.js";
import { checkedSentElsewhere } from "./sent-elsewhere.js";
import { checkChatPeer, checkNotStandIn } from "./peer-checks.js";
import type { LinkedRecipientVerdict } from "./outbox.js";
import { PresenceRouting } from "./presence-routing.js";
import { RoomRouting } from "./room-routing.js";
import type { Room, RoomMember, RoomRemoval } from "./model/room.js";
import type { RouterDependencies } from "./router-dependencies.js";

export type { PersonDirectory } from "./linked-persons.js";

export class Router {
  private accepting = true;
  private readonly persons: LinkedPersons;
  private readonly rooms: RoomRouting;
  private readonly presenceRouting: PresenceRouting;
  private readonly contactRouting: ContactRouting;

  constructor(private readonly deps: RouterDependencies) {
    this.persons = new LinkedPersons(deps.identities, deps.deliverToLinked ?? "most_available", (address) => deps.registry.for(address)?.capabilities.directMessages !== false);
    this.rooms = new RoomRouting(deps);
    this.presenceRouting = new PresenceRouting(deps, this.persons);
    this.contactRouting = new ContactRouting(deps);
  }

  /** Stops accepting new messages (shutdown); what was accepted is still delivered or kept. */
  close(): void {
    this.accepting = false;
  }

  async submit(draft: MessageDraft, options: SubmitOptions = {}): Promise<Message> {
    let ordered = false;
    const onOrdered = (): void => {
      if (ordered) return;
      ordered = true;
      options.onOrdered?.();
    };
    try {
      return await this.accept(acceptedAttachments(draft, this.deps.log), { onOrdered, ...(options.onAccepted === undefined ? {} : { onAccepted: options.onAccepted }) });
    } finally {
      onOrdered();
    }
  }

  private async accept(asked: MessageDraft, options: SubmitOptions): Promise<Message> {
    if (!this.accepting) throw new GatewayError("GW_ERR_SHUTTING_DOWN", "the gateway is shutting down; try again later", { retryable: true });
    if (bodyTooLong(asked.body)) throw new GatewayError("GW_ERR_BAD_FRAME", `a message body is at most ${MAX_BODY_LENGTH} characters`);
    const draft = await checkedReaction(this.deps, await checkedReply(this.deps, asked));
    const target = this.deps.registry.for(draft.to) ?? (await this.deps.registry.obtain(draft.to, draft.from));
    if (!target) throw new GatewayError("GW_ERR_NO_ROUTE", `no configured network serves ${addressKey(draft.to)}`);
    this.checkOwnership(draft.from, draft.to);
    // Before knows(): a channel nobody bridged is no unknown person but no recipient of a direct message either.
    if (draft.scope === "direct") checkChatPeer(target, draft.to);
    if (!(await target.knows(draft.to))) throw new GatewayError("GW_ERR_UNKNOWN_RECIPIENT", `nobody is known at ${addressKey(draft.to)}`);
    if (draft.scope === "direct") this.deps.blocks?.checkDirect(draft.from, draft.to); // the same refusal (core/blocklist.ts)
    // Refused now rather than reported failed after the sender's ok (an IRC network in relay mode, a bridge bot).
    if (draft.scope === "direct" && !target.capabilities.directMessages) {
      throw new GatewayError("GW_ERR_NO_ROUTE", `${draft.to.protocol}/${draft.to.account} carries room messages only, no direct messages`);
    }
    if (draft.replaces !== undefined) await checkCorrection(this.deps, draft);
    const checked = draft.retracts === undefined ? undefined : await checkRetraction(this.deps, draft);
    const retracted = checked?.original;
    // Refused rather than acknowledged and dropped: the recipient's network cannot unsay a line (IRC).
    if (retracted !== undefined && target.capabilities.retractions !== true) throw new GatewayError("GW_ERR_UNSUPPORTED", `${draft.to.protocol}/${draft.to.account} cannot retract a message`);

    const person = this.deps.identities?.personOf(draft.from);
    const senderName = draft.scope === "room" ? await this.rooms.senderNameIn(draft) : draft.senderName;
    const { moderate: _asked, ...fields } = draft;
    const message: Message = {
      ...stamped(fields, (this.deps.now ?? Date.now)()),
      // A retraction says nothing of its own: no words to keep, relay or show (the adapters give their fallback).
      ...(retracted === undefined ? {} : { body: "", kind: "text" as const }),
      ...(checked?.moderated === undefined ? {} : { moderated: checked.moderated }),
      senderName,
      id: this.deps.ids.next(),
      // A moderation carries its original's hops: a bridge bot's MUC the line was said in is not sent it (the bot can
      // unsay only its own relayed copies), as a sender's own retraction from there is not.
      hops: [...(draft.hops ?? []), ...(checked?.moderated === undefined ? [] : retracted?.hops ?? []), addressKey(draft.from)],
      ...(person === undefined ? {} : { person }),
    };
    const direct = message.scope === "direct";
    const everyone = direct ? this.persons.directRecipients(message) : await this.rooms.relayRecipients(message);
    // A network that cannot unsay a line (IRC) is sent nothing: docs/bridging.md, "Retractions".
    const recipients = retracted === undefined ? everyone : everyone.filter((recipient) => this.deps.registry.for(recipient)?.capabilities.retractions === true);
    // Before any delivery: a refusal at once is reported (to the sender's adapter) before this submit resolves.
    options.onAccepted?.(message);
    const stored = this.deps.outbox.accept(message, recipients);
    // For an operator following a message (log.level: debug): who and where, never what was said.
    if (this.deps.log.isLevelEnabled("debug")) {
      this.deps.log.debug({ id: message.id, from: addressKey(message.from), to: addressKey(message.to), scope: message.scope, kind: message.kind, recipients: recipients.map(addressKey) }, "message accepted");
    }
    options.onOrdered?.();
    // Delivered now, written meanwhile: a connected recipient need not wait for the commit (outbox.ts); the
    // sender's answer waits for it.
    this.deps.recent?.remember(message);
    if (retracted !== undefined) this.unsay(retracted.id, checked?.moderated);
    for (const recipient of recipients) this.deps.outbox.deliver(message, recipient);
    if (!direct) void this.rooms.sendToRoom(message);
    await stored;
    if (this.deps.counters) this.deps.counters.accepted[message.scope] += 1;
    return message;
  }

  /**
   * AdapterContext.recordSentElsewhere of the adapter `protocol`/`account`, someone's own account: the owner's message
   * to one of its contacts, sent from another client of theirs, which that network delivered. Kept in the log (not
   * queued: nobody is to deliver it) and shown to the owner's sessions connected now.
   */
  async sentElsewhere(protocol: ProtocolId, account: string, draft: MessageDraft): Promise<Message> {
    if (!this.accepting) throw new GatewayError("GW_ERR_SHUTTING_DOWN", "the gateway is shutting down; try again later", { retryable: true });
    const owner = this.deps.registry.get(protocol, account)?.owner;
    const toContact = draft.scope === "direct" && draft.to.protocol === protocol && draft.to.account === account;
    if (owner === undefined || !sameAddress(draft.from, owner) || !toContact) throw new GatewayError("GW_ERR_FORBIDDEN", `${protocol}/${account} records only its owner's direct messages to its contacts`);
    if (bodyTooLong(draft.body)) throw new GatewayError("GW_ERR_BAD_FRAME", `a message body is at most ${MAX_BODY_LENGTH} characters`);
    // Hers as one from a session is: a retraction kept as a tombstone, a reaction checked (core/sent-elsewhere.ts).
    const { said, retracted } = await checkedSentElsewhere(this.deps, draft);
    const timestamp = (this.deps.now ?? Date.now)();
    const message: Message = { ...stamped(said, timestamp), id: this.deps.ids.next(), hops: [...(draft.hops ?? []), addressKey(draft.from)], sentElsewhere: true };
    await this.deps.outbox.accept(message, []);
    this.deps.recent?.remember(message);
    if (retracted !== undefined) this.unsay(retracted.original.id);
    await this.deps.registry
      .for(owner)
      ?.showSentElsewhere?.(message)
      .catch((error: unknown) => this.deps.log.debug({ err: error, id: message.id }, "message sent elsewhere not shown"));
    return message;
  }

  /** Before each attempt at a direct message queued for a linked account (Outbox): see LinkedPersons. */
  linkedRecipientNow(message: Message, recipient: Address): LinkedRecipientVerdict {
    return this.persons.linkedRecipientNow(message, recipient);
  }

  /** People of a bridged room left the hub with its bridge: told as each one's leave from that room would be. */
  async relayedPeopleLeft(room: Address, people: readonly RoomMember[]): Promise<void> {
    for (const member of people) await this.rooms.membershipChanged(room, member, "left", { relayed: true });
  }

  /** OutboxOptions.linkedRecipientFailed (core/linked-persons.ts). */
  linkedRecipientFailed(message: Message): LinkedRecipientVerdict {
    return this.persons.linkedRecipientFailed(message);
  }

  /**
   * An address served by someone's own account (a linked account) talks with that person only: GW_ERR_FORBIDDEN
   * otherwise. Checked for every message, and for reading a conversation's history (AdapterContext.checkOwnership).
   */
  checkOwnership(from: Address, to: Address): void {
    this.checkOwnedBy(to, from);
    this.checkOwnedBy(from, to);
  }

  /** A direct message's or typing notification's recipient must be a person where it is (core/peer-checks.ts). */
  checkChatPeer(to: Address): void {
    checkChatPeer(this.deps.registry.for(to), to);
  }

  /** A contact or subscription must not be a stand-in for someone on another network (core/peer-checks.ts). */
  checkNotStandIn(address: Address): void {
    checkNotStandIn(this.deps.registry.for(address), address);
  }

  private checkOwnedBy(address: Address, other: Address): void {
    const owner = this.deps.registry.ownerOf(address);
    // Both reached through the same owner's account: an occupant's line in a room that account joined (core/own-rooms.ts).
    if (owner && !sameAddress(owner, other) && !sameAddress(this.deps.registry.ownerOf(other) ?? other, owner)) {
      throw new GatewayError("GW_ERR_FORBIDDEN", `${addressKey(address)} is reached through ${addressKey(owner)}'s own account, for ${addressKey(owner)} only`);
    }
  }

  /**
   * A retraction is accepted, before any delivery of it: the memory of recent messages keeps a tombstone of the
   * original, and a queue still holding the original drops it instead of sending it (core/outbox.ts).
   */
  private unsay(originalId: string, moderated?: MessageModeration): void {
    this.deps.recent?.retract(originalId, moderated);
    this.deps.outbox.retracted(originalId);
  }

  async knows(address: Address): Promise<boolean> {
    const adapter = this.deps.registry.for(address);
    // A network on demand not connected yet: told without connecting (its first use connects it).
    if (adapter === undefined) return this.deps.registry.mayServeOnDemand(address);
    return await adapter.knows(address);
  }

  /** Who may see whom, and the buddy lists of own accounts: see core/contact-routing.ts. */
  probe(subject: Address, viewer: Address): Promise<Presence | undefined> {
    return this.contactRouting.probe(subject, viewer);
  }

  related(a: Address, b: Address): Promise<boolean> {
    return this.contactRouting.related(a, b);
  }

  awaitsAnswer(subject: Address, requester: Address): Promise<boolean> {
    return this.contactRouting.awaitsAnswer(subject, requester);
  }

  syncContacts(owner: Address, protocol: ProtocolId, account: string, contacts: readonly Contact[]): Promise<void> {
    return this.contactRouting.syncContacts(owner, protocol, account, contacts);
  }

  /**
   * A network refused a message after taking it: a direct message's recipient, or a room relay (an IRC channel
   * refusing a line: moderated, banned) for a room message. Anything else is ignored, so that nobody can fail
   * someone else's message.
   */
  async bounced(messageId: string, recipient: Address, error: GatewayError): Promise<void> {
    // At once, before the barrier's answer that may follow the bounce confirms the delivery: only a delivery to
    // that recipient under way counts (outbox.ts), so a bounce nobody could send for it changes nothing.
    this.deps.outbox.bounced(messageId, recipient);
    const message = this.deps.recent?.get(messageId) ?? (await this.deps.history.get(messageId));
    // A room message's failure is news to its sender when a bridged room did not take it (an IRC channel refused
    // the line), not when one person's copy bounced: as in a MUC, that tells nobody, and any occupant could
    // otherwise make others' messages read as failed, with a reason of their own.
    const concerned =
      message !== undefined &&
      (message.scope === "direct"
        ? sameAddress(message.to, recipient) || sameAddress(this.deps.identities?.personOf(recipient) ?? recipient, message.to)
        : this.deps.registry.relaysRooms(recipient) && (await this.deps.rooms.exists(message.to)) && (await this.deps.rooms.isMember(message.to, recipient)));
    if (!message || !concerned) {
      this.deps.log.info({ id: messageId, from: addressKey(recipient) }, "bounce ignored: no such message, or not one it may report");
      return;
    }
    await this.deps.failures.report(message, recipient, error);
  }

  /** Whether the network serving `address` takes direct messages (AdapterContext.takesDirectMessages); accept() refuses them otherwise. */
  takesDirectMessages(address: Address): boolean {
    return this.deps.registry.for(address)?.capabilities.directMessages === true;
  }

  /** Whether the sender's adapter wants receipts from recipients' clients for them now (Adapter.wantsReceipts). */
  wantsReceipts(sender: Address): boolean {
    return this.deps.registry.for(sender)?.wantsReceipts?.(sender) ?? false;
  }

  /** A recipient's client has a direct message (AdapterContext.received): its sender's adapter tells them. */
  received(receipt: DeliveryReceipt): void {
    this.deps.registry
      .for(receipt.sender)
      ?.reportReceived?.(receipt)
      .catch((error: unknown) => this.deps.log.debug({ err: error, id: receipt.messageId }, "delivery receipt not passed on"));
  }

  dispatch(event: InboundEvent): void {
    void this.handle(event).catch((error: unknown) => this.deps.log.error({ err: error, event: event.type }, "event not handled"));
  }

  private async handle(event: InboundEvent): Promise<void> {
    switch (event.type) {
      case "presence":
        return this.presenceRouting.presenceChanged(event.presence, event.avatarChanged === true);
      case "subscription":
        if (await this.deps.buddies?.subscription(event.subscription)) return;
        if (await this.contactRouting.linkedAccountAnswered(event.subscription)) return;
        return this.deps.roster.handle(event.subscription);
      case "typing": {
        const owner = this.deps.registry.ownerOf(event.typing.to);
        // Someone else's own account: not theirs to use. Native frames are refused before this (checkOwnership);
        // other networks' chat states have nobody to answer, so they are dropped here.
        if ((owner && !sameAddress(owner, event.typing.from)) || this.deps.blocks?.blocks(event.typing.to, event.typing.from) === true) return;
        const adapter = this.deps.registry.for(event.typing.to);
        // Best effort, as chat states are: a network that is down loses it (a debug line, not an error a client can repeat at will).
        if (adapter?.capabilities.typing) {
          await adapter.sendTyping(event.typing).catch((error: unknown) => this.deps.log.debug({ err: error, to: addressKey(event.typing.to) }, "typing notification not sent"));
        }
        return;
      }
      case "reachable":
        return this.deps.outbox.reachable(event.address);
      case "account":
        return this.deps.identities?.accountSeen?.(event.address, event.account);
      case "network-reachable": {
        this.deps.outbox.networkReachable(event.protocol, event.account);
        await this.deps.failures.flushNetwork(event.protocol, event.account);
        await this.deps.roster.resync(event.protocol, event.account);
        // The network forgot what it watched for people's linked accounts there: watch them again (asking only
        // those never asked, core/link-requests.ts), and the accounts of bound links (counting or not: they count
        // again once their account is seen).
        const identities = this.deps.identities;
        for (const link of identities?.storedLinks?.() ?? identities?.allLinks() ?? []) {
          if (link.address.protocol !== event.protocol || link.address.account !== event.account) continue;
          const adapter = this.deps.registry.for(link.address);
          const warn = (error: unknown): void => this.deps.log.warn({ err: error, address: addressKey(link.address) }, "linked account not watched");
          await this.deps.linkRequests.watch(link.person, link.address).catch(warn);
          if ("account" in link && link.account !== undefined) await adapter?.watchAccount?.(link.address).catch(warn);
        }
        // Someone's own account is (back) online: it takes that person's current presence to its network.
        const adapter = this.deps.registry.get(event.protocol, event.account);
        if (adapter?.owner) await this.presenceRouting.setPresenceOf(adapter, this.deps.presence.get(adapter.owner));
        await this.deps.buddies?.networkReachable(event.protocol, event.account);
        return;
      }
      case "member-joined":
      case "member-left":
        if (event.type === "member-left") await this.deps.ownRoomLeft?.(event.room, event.member.address);
        return this.rooms.membershipChanged(event.room, event.member, event.type === "member-joined" ? "joined" : "left", {
          relayed: true,
          ...(event.type === "member-left" && event.removal !== undefined ? { removal: event.removal } : {}),
        });
      case "member-changed":
        return this.rooms.memberChanged(event.room, event.member, event.changed);
      case "contact":
        this.contactRouting.checkOwnContact(event.contact.owner, event.contact.address);
        return this.deps.roster.mirror(event.contact);
      case "topic":
        return this.rooms.topicChanged(event.room, event.topic, event.by);
      case "contact-removed":
        this.contactRouting.checkOwnContact(event.owner, event.address);
        return this.deps.roster.forget(event.owner, event.address);
      default:
        return assertNever(event);
    }
  }

  /** A link was proven or removed: the person's presence is computed again from what is known now. */
  async linksChanged(person: Address, address: Address, linked: boolean): Promise<void> {
    this.persons.linkChanged(person, this.deps.presence.get(person), address, linked ? this.deps.presence.get(address) : undefined);
    if (linked) {
      await this.deps.linkRequests.linked(person, address).catch((error: unknown) => this.deps.log.warn({ err: error, address: addressKey(address) }, "linked account not watched"));
    } else {
      await this.deps.linkRequests.unlinked(person, address).catch((error: unknown) => this.deps.log.warn({ err: error, address: addressKey(address) }, "request of an unlinked account not forgotten"));
    }
    await this.presenceRouting.publishPerson(person);
    this.persons.forgetIfUnlinked(person);
    // Linked, an account may go by its person's name in rooms (NickReservations.mayUse); unlinked, no longer.
    await this.rooms.reconsiderShownNames({ address });
  }

  /** Room traffic: see core/room-routing.ts. */
  joinRoom(room: Address, member: RoomMember, options?: JoinOptions): Promise<Room> {
    return this.rooms.joinRoom(room, member, options);
  }

  leaveRoom(room: Address, member: Address, removal?: RoomRemoval): Promise<void> {
    return this.rooms.leaveRoom(room, member, removal);
  }

  renameMember(room: Address, member: Address, nick: string): Promise<RoomMember> {
    return this.rooms.renameMember(room, member, nick);
  }

  peopleShown(room: Address, people: readonly RoomMember[]): Promise<RoomMember[]> {
    return this.rooms.peopleShown(room, people);
  }

  /** A user registered `name`: someone of a bridged room who goes by it is shown as name%network from now on. */
  nameRegistered(name: string): Promise<void> {
    return this.rooms.reconsiderShownNames({ nick: name });
  }

  /** The account `name` was deleted: someone of a bridged room shown as name%network for it goes by their own nick again. */
  nameFreed(name: string): Promise<void> {
    return this.rooms.reconsiderShownNames({ nick: name });
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected event ${JSON.stringify(value)}`);
}
