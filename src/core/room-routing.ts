/**
 * Room traffic between adapters: a room message goes to the room's adapter (its host), to every other adapter
 * serving members of the room (guests: XMPP occupants of a native room, say), and, through the outbox, to every
 * adapter that relays the room to a room of its own network (`relaysRooms`: an IRC channel, a bot's MUC), which
 * must get all of them; joins, leaves and subjects reach the same adapters. Part of the router (core/router.ts),
 * which accepts the messages.
 */
import type { AdapterRegistry } from "./adapter-registry.js";
import type { Adapter, JoinOptions } from "./adapter.js";
import { GatewayError, toGatewayError } from "./errors.js";
import type { FailureReports } from "./failure-reports.js";
import type { Logger } from "./logger.js";
import { addressKey, sameAddress, type Address } from "./model/address.js";
import type { Message, MessageDraft } from "./model/message.js";
import { nickKey } from "./model/nick.js";
import type { Room, RoomMember, RoomRemoval } from "./model/room.js";
import type { RoomService } from "./rooms.js";
import { ShownNames } from "./shown-names.js";

export interface RoomRoutingDependencies {
  readonly registry: AdapterRegistry;
  readonly rooms: RoomService;
  readonly failures: FailureReports;
  readonly log: Logger;
}

export class RoomRouting {
  /** The names the people of bridged rooms go under in each room. */
  private readonly names: ShownNames;

  constructor(private readonly deps: RoomRoutingDependencies) {
    this.names = new ShownNames({ registry: deps.registry, rooms: deps.rooms });
  }

  /**
   * Room messages go to the room's adapter (its host) and to every other adapter that serves members of the
   * room (XMPP occupants of a native room, say); each delivers to its own members.
   */
  async sendToRoom(message: Message): Promise<void> {
    const host = this.deps.registry.for(message.to);
    try {
      if (!host) throw new GatewayError("GW_ERR_NO_ROUTE", `no configured network serves ${addressKey(message.to)}`);
      await host.send(message);
    } catch (thrown: unknown) {
      const error = toGatewayError(thrown);
      this.deps.log.warn({ err: error, id: message.id, room: addressKey(message.to) }, "room message not delivered");
      await this.deps.failures.report(message, message.to, error);
      return;
    }
    for (const adapter of await this.guestAdapters(message.to)) {
      if (adapter.capabilities.relaysRooms) continue; // through the outbox: see relayRecipients
      if (message.retracts !== undefined && adapter.capabilities.retractions !== true) continue; // cannot unsay it there
      await adapter.send(message).catch((error: unknown) => this.deps.log.warn({ err: error, id: message.id, adapter: adapter.protocol }, "room message not relayed"));
    }
  }

  /**
   * The outbox recipients of a room message: for each adapter that relays this room to a room of its own
   * network, one of its member addresses (the first in join order, which the store keeps, so the choice is stable). The
   * adapter's send() delivers to every room of its network bridged to this one. The room the message came from
   * (in its hops) is left out, and so is its relay unless it has another room in this one: nothing goes back to
   * where it came from.
   */
  async relayRecipients(message: Message): Promise<Address[]> {
    const room = message.to;
    if (!(await this.deps.rooms.exists(room))) return [];
    const host = this.deps.registry.for(room);
    const origin = this.deps.registry.get(message.origin.protocol, message.origin.account);
    const members = await this.deps.rooms.members(room);
    // The relay a message came from takes it only for its other rooms here (a second channel of the same IRC
    // network, a second MUC of the same bot), and only when the message names the room it came from in its hops.
    const cameFrom = members.some((member) => this.deps.registry.for(member.address) === origin && message.hops.includes(addressKey(member.address)));
    const chosen = new Map<Adapter, Address>();
    for (const member of members) {
      const adapter = this.deps.registry.for(member.address);
      if (!adapter || adapter === host || !adapter.capabilities.relaysRooms || chosen.has(adapter)) continue;
      if (adapter === origin && (!cameFrom || message.hops.includes(addressKey(member.address)))) continue;
      chosen.set(adapter, member.address);
    }
    return [...chosen.values()];
  }

  /**
   * The name a room message goes under: the sender's, unless they are someone of a bridged room (an IRC user, a bot
   * MUC's occupant) whose nick would pass for someone else's there (core/shown-names.ts): then nick%network, so that
   * nobody in a channel speaks under a member's or a user's name anywhere (native sender_name, a bot's "<nick>" lines,
   * an IRC relay's prefix, the history). The room lists them under the same name: when it listed them otherwise (the
   * name was registered since), it is told the nick change first.
   */
  async senderNameIn(draft: MessageDraft): Promise<string> {
    const origin = this.deps.registry.get(draft.origin.protocol, draft.origin.account);
    if (origin?.capabilities.relaysRooms !== true || !(await this.deps.rooms.exists(draft.to))) return draft.senderName;
    const { name, change } = await this.names.heard(draft.to, draft.from, draft.senderName);
    if (change) await this.tellChange(draft.to, change.before, change.after);
    return name;
  }

  /**
   * The people of a room's bridged rooms (as their adapters have them) as the room shows them: each under the name
   * their lines go under. A change of that since the room last showed them is told first.
   */
  async peopleShown(room: Address, people: readonly RoomMember[]): Promise<RoomMember[]> {
    const { shown, changes } = await this.names.list(room, people);
    for (const change of changes) await this.tellChange(room, change.before, change.after);
    return shown;
  }

  /**
   * Decides again the name shown for those of bridged rooms who go by `nick` (a name registered, a member's nick freed)
   * or are `address` (their link to a user made or ended), in `room` or in every room: a room showing one of them
   * otherwise now is told the nick change.
   */
  async reconsiderShownNames(which: { readonly nick?: string; readonly address?: Address; readonly room?: Address }): Promise<void> {
    for (const { room, change } of await this.names.reconsider(which)) await this.tellChange(room, change.before, change.after);
  }

  /**
   * Adapters other than the room's host that serve members of a gateway-hosted room. A room reached through someone's
   * own account (core/own-rooms.ts) has one: its owner's adapter, which shows it to the owner alone.
   */
  private async guestAdapters(room: Address): Promise<Adapter[]> {
    const host = this.deps.registry.for(room);
    const owners = host?.owner !== undefined && host.ownRoom !== undefined ? this.deps.registry.for(host.owner) : undefined;
    if (owners) return [owners];
    if (!(await this.deps.rooms.exists(room))) return [];
    const adapters = new Set<Adapter>();
    for (const member of await this.deps.rooms.members(room)) {
      const adapter = this.deps.registry.for(member.address);
      if (adapter && adapter !== host) adapters.add(adapter);
    }
    return [...adapters];
  }

  /** `options.key`: the room's password the joiner gave (core/room-settings.ts). */
  async joinRoom(room: Address, member: RoomMember, options: JoinOptions = {}): Promise<Room> {
    const host = this.deps.registry.for(room);
    if (!host) throw new GatewayError("GW_ERR_NO_ROUTE", `no configured network serves ${addressKey(room)}`);
    const joined = await host.joinRoom(room, member.address, { ...options, nick: member.nick });
    // A bridged room (an IRC channel, a bot's MUC) joining its hub is no person: other networks show its people,
    // never it (an XMPP occupant named "#dev"); the host's own members see it in the room's member list.
    if (!this.deps.registry.relaysRooms(member.address)) await this.membershipChanged(room, member, "joined");
    return joined;
  }

  /** `removal`: put out by someone else (a kick), which the member's own network shows them too. */
  async leaveRoom(room: Address, member: Address, removal?: RoomRemoval): Promise<void> {
    const host = this.deps.registry.for(room);
    if (!host) throw new GatewayError("GW_ERR_NO_ROUTE", `no configured network serves ${addressKey(room)}`);
    const before = (await this.deps.rooms.exists(room)) ? await this.deps.rooms.members(room) : [];
    await host.leaveRoom(room, member, removal);
    const left = before.find((entry) => sameAddress(entry.address, member));
    if (!left) return;
    if (this.deps.registry.relaysRooms(member)) {
      // Its last bridged room gone (a bridge ended), nobody of one speaks in the room any more.
      const after = (await this.deps.rooms.exists(room)) ? await this.deps.rooms.members(room) : [];
      if (!after.some((entry) => this.deps.registry.relaysRooms(entry.address))) this.names.forgetHeard(room);
      return;
    }
    await this.membershipChanged(room, left, "left", removal === undefined ? {} : { removal });
    // Their nick is free: someone of a bridged room shown as nick%network for it goes under their own nick again.
    await this.reconsiderShownNames({ nick: left.nick, room });
  }

  /**
   * A room's subject changed. Set by a member through the host (a native user), the host has stored it and
   * told its members: the guest adapters are told. Set on a relayed room (an IRC channel's topic), by someone
   * who is not a member: it is stored (the relay's member vouches for it), the host tells its members, and the
   * other guest adapters are told; the relay's own network already knows.
   */
  async topicChanged(room: Address, topic: string, by: Address | undefined): Promise<void> {
    if (!(await this.deps.rooms.exists(room))) return this.ownRoomTopic(room, topic, by);
    const members = await this.deps.rooms.members(room);
    const host = this.deps.registry.for(room);
    const origin = by === undefined ? undefined : this.deps.registry.for(by);
    let member = by === undefined ? undefined : members.find((entry) => sameAddress(entry.address, by));
    if (by !== undefined && origin !== undefined && origin !== host) {
      const relay = members.find((entry) => this.deps.registry.for(entry.address) === origin);
      if (relay && (await this.deps.rooms.get(room)).subject === topic) return; // told again (a rejoin): no news
      if (!relay) {
        this.deps.log.warn({ room: addressKey(room), by: addressKey(by) }, "subject from a network with no member in the room ignored");
        return;
      }
      await this.deps.rooms.setSubject(room, topic, relay.address);
      // Someone of the bridged room (an IRC user): under the name their lines go under.
      member ??= { address: by, nick: (await this.names.heard(room, by, by.id)).name, role: "member" };
      await host?.sendTopic(room, topic, member).catch((error: unknown) => this.deps.log.warn({ err: error, room: addressKey(room) }, "subject not shown"));
    }
    for (const adapter of await this.guestAdapters(room)) {
      if (adapter === origin) continue;
      await adapter.sendTopic(room, topic, member).catch((error: unknown) => this.deps.log.warn({ err: error, room: addressKey(room) }, "subject not relayed"));
    }
  }

  /** The subject of a room reached through someone's own account (core/own-rooms.ts), told by its host: its owner is told, whoever set it. */
  private async ownRoomTopic(room: Address, topic: string, by: Address | undefined): Promise<void> {
    // The owner's adapter shows who set it by address: their nick there is the occupant's, not a member's of a room here.
    const setter: RoomMember | undefined = by === undefined ? undefined : { address: by, nick: by.id, role: "member" };
    for (const adapter of await this.guestAdapters(room)) {
      await adapter.sendTopic(room, topic, setter).catch((error: unknown) => this.deps.log.warn({ err: error, room: addressKey(room) }, "subject not shown"));
    }
  }

  /**
   * Tells the guest adapters of a room (and the member's own adapter) that a member joined or left. A join or
   * leave that a relay reports from its network (someone joined the IRC channel) is news to the host too; that
   * someone comes and goes under the name their lines go under (core/shown-names.ts).
   */
  async membershipChanged(room: Address, member: RoomMember, event: "joined" | "left", options: { relayed?: boolean; removal?: RoomRemoval } = {}): Promise<void> {
    const person = options.relayed === true && this.names.isBridgedPerson(member.address);
    // A member took a nick someone of a bridged room was shown under (their own linked account: core/room-joins.ts
    // refuseNickHeld): that one is nick%network from now on, told before the join.
    if (!person && event === "joined") await this.reconsiderShownNames({ nick: member.nick, room });
    const shown = person ? await this.shownAsTheyCome(room, member, event) : member;
    for (const adapter of await this.membershipAdapters(room, member.address, options.relayed === true)) {
      await adapter.sendMembership(room, shown, event, options.removal).catch((error: unknown) => this.deps.log.warn({ err: error, room: addressKey(room) }, "membership not relayed"));
    }
    // Gone, their nick is free to another of a bridged room shown as nick%network for it.
    if (person && event === "left" && shown.nick === member.nick) await this.reconsiderShownNames({ nick: member.nick, room });
  }

  /** Someone of a bridged room joining (listed from now on; a change of their name since a list showed them told first) or leaving (forgotten). */
  private async shownAsTheyCome(room: Address, person: RoomMember, event: "joined" | "left"): Promise<RoomMember> {
    if (event === "joined") {
      const { shown, change } = await this.names.show(room, person);
      if (change) await this.tellChange(room, change.before, change.after);
      return shown;
    }
    const listed = this.names.forget(room, person.address);
    if (listed) return listed;
    const { name } = await this.names.heard(room, person.address, person.nick);
    this.names.forget(room, person.address);
    return { ...person, nick: name };
  }

  /**
   * A member took another nick (with a new address where the nick is the address) or role: the adapters a join or
   * leave reaches are told, the host always (a relay reports an IRC NICK or MODE; a guest's occupant renamed
   * themself in the stored room, core/room-joins.ts), each showing it as its network does. Someone of a bridged room
   * is shown under the names their lines go under, before and after; the nick they leave is free to another.
   */
  async memberChanged(room: Address, member: RoomMember, changed: RoomMember): Promise<void> {
    if (!this.names.isBridgedPerson(member.address)) return this.tellChange(room, member, changed);
    const before = this.names.forget(room, member.address) ?? { ...member, nick: (await this.names.heard(room, member.address, member.nick)).name };
    this.names.forget(room, member.address);
    const { shown: after } = await this.names.show(room, changed);
    if (before.nick !== after.nick || before.role !== after.role) await this.tellChange(room, before, after);
    if (before.nick === member.nick && nickKey(member.nick) !== nickKey(changed.nick)) await this.reconsiderShownNames({ nick: member.nick, room });
  }

  /** What the room shows of a member changed (a nick, a role): every adapter a join or leave reaches is told, the host always. */
  private async tellChange(room: Address, member: RoomMember, changed: RoomMember): Promise<void> {
    const adapters = await this.membershipAdapters(room, member.address, true);
    const host = this.deps.registry.for(room);
    if (host) adapters.add(host);
    for (const adapter of adapters) {
      await adapter.sendMemberChange(room, member, changed).catch((error: unknown) => this.deps.log.warn({ err: error, room: addressKey(room) }, "member change not relayed"));
    }
  }

  /** A member of a room the gateway hosts takes another nick there (stored), and everyone in the room is told. */
  async renameMember(room: Address, member: Address, nick: string): Promise<RoomMember> {
    const { before, after } = await this.deps.rooms.rename(room, member, nick);
    if (before.nick === after.nick) return after;
    // Someone of a bridged room shown under the new nick (the member's own linked account) is nick%network first.
    if (nickKey(before.nick) !== nickKey(after.nick)) await this.reconsiderShownNames({ nick: after.nick, room });
    await this.tellChange(room, before, after);
    // Their old nick is free to someone of a bridged room shown as nick%network for it.
    if (nickKey(before.nick) !== nickKey(after.nick)) await this.reconsiderShownNames({ nick: before.nick, room });
    return after;
  }

  /** The guests of a room, the member's own adapter, and (for news from a relay) the room's host. */
  private async membershipAdapters(room: Address, member: Address, relayed: boolean): Promise<Set<Adapter>> {
    const adapters = new Set(await this.guestAdapters(room));
    const own = this.deps.registry.for(member);
    const host = this.deps.registry.for(room);
    if (own && own !== host) adapters.add(own);
    if (relayed && own !== host && host) adapters.add(host);
    return adapters;
  }
}
