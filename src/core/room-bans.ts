/**
 * Bans in the gateway's rooms: the room's owner or an admin of the gateway (the rights of a kick, RoomJoins.moderation)
 * keeps a person out of a room. A ban is of a person, not of one address: banning an account linked to a native user
 * bans the user (the ban is stored under the person, IdentityService.personOf), and whoever is one of a banned
 * person's accounts (the person, their linked accounts) is refused at the join (RoomService.join asks `refuse`), so a
 * troll cannot come back by their XMPP account after a ban of their native user, nor the other way round. The owner and
 * the admins cannot be banned; nor can the people of a bridged IRC channel or bot's MUC (an address of an adapter that
 * relays rooms), whom their channel's operators ban there, as they kick them there. Bans are kept in the store.
 * An account that becomes one of a banned person's (linked after the ban) while it is in the room is put out at once
 * (`linked`), as the ban put out the accounts it knew of: else it would stay until it left on its own.
 */
import { GatewayError } from "./errors.js";
import { formatAddress, sameAddress, type Address } from "./model/address.js";
import type { AdapterRoomBans } from "./adapter-context.js";
import type { RoomMember, RoomRemoval } from "./model/room.js";
import type { Moderation, PersonOf } from "./room-joins.js";
import type { RoomBanRecord, RoomBanStore, RoomRecord } from "../store/store.js";
import { isRoomOwner } from "./room-owner.js";

/** Who is one person with `address`: the person it is linked to (or itself), and every account linked to that person. */
export function accountsOf(address: Address, personOf: PersonOf, linkedTo: (person: Address) => readonly Address[]): Address[] {
  const person = personOf(address) ?? address;
  const accounts = [person, ...linkedTo(person)];
  return accounts.some((account) => sameAddress(account, address)) ? accounts : [address, ...accounts];
}

/** The ban, among a room's, of someone whose accounts are `accounts` (accountsOf), if any. */
export function banAmong(bans: readonly RoomBanRecord[], accounts: readonly Address[]): RoomBanRecord | undefined {
  return bans.find((ban) => accounts.some((account) => sameAddress(account, ban.person)));
}

export interface RoomBansDeps {
  readonly store: RoomBanStore;
  /** The gateway's rooms: a room's record (its owner is its creator), GW_ERR_NOT_FOUND when there is none; who is in which. */
  readonly rooms: {
    get(hub: Address): Promise<RoomRecord>;
    roomsOf(member: Address): Promise<Address[]>;
    members(hub: Address): Promise<readonly RoomMember[]>;
  };
  /** The rights check of kicks (RoomJoins.moderation), and the leave that tells everyone who was put out and why. */
  readonly joins: {
    moderation(room: Address, by: Address): Promise<Moderation>;
    leave(hub: Address, member: Address, removal: RoomRemoval): Promise<void>;
  };
  readonly bridges: { isAdmin(address: Address): boolean };
  /** Whether an address is of an adapter that relays rooms: a bridged channel or MUC, or someone in one. */
  readonly registry: { relaysRooms(address: Address): boolean };
  /** Linked accounts that count now (IdentityService). */
  readonly identities: { personOf: PersonOf; linkedTo(person: Address): readonly Address[] };
  readonly now?: () => number;
  /** A banned person is no longer let into a members-only room, once the ban is lifted either (RoomSettings.disallow). */
  readonly disallow?: (hub: Address, target: Address) => Promise<void>;
}

export class RoomBans {
  constructor(private readonly deps: RoomBansDeps) {}

  private accounts(address: Address): Address[] {
    return accountsOf(address, (account) => this.deps.identities.personOf(account), (person) => this.deps.identities.linkedTo(person));
  }

  /**
   * Refuses the join of someone banned from the room, or one of whose accounts is (GW_ERR_FORBIDDEN). The owner and
   * the admins are never refused (a ban made before they were made admins does not hold), nor a bridged room.
   */
  async refuse(room: RoomRecord, member: Address): Promise<void> {
    if (this.deps.registry.relaysRooms(member) || isRoomOwner(room.createdBy, member, (account) => this.deps.identities.personOf(account)) || this.deps.bridges.isAdmin(member)) return;
    const ban = banAmong(await this.deps.store.list(room.address), this.accounts(member));
    if (ban !== undefined) throw new GatewayError("GW_ERR_FORBIDDEN", `you are banned from ${formatAddress(room.address)}${ban.reason === "" ? "" : `: ${ban.reason}`}`);
  }

  /**
   * `by` bans `target`'s person from a room: stored, then every account of theirs in the room is put out (everyone is
   * told, as of a kick, that it is a ban). The target need not be in the room. Resolves with the members put out.
   */
  async ban(room: Address, by: Address, target: Address, reason: string): Promise<RoomMember[]> {
    const { hub, members, shownAs } = await this.deps.joins.moderation(room, by);
    const record = await this.deps.rooms.get(hub);
    const accounts = this.accounts(target);
    if (accounts.some((account) => sameAddress(account, by))) throw new GatewayError("GW_ERR_BAD_FRAME", "you cannot ban yourself");
    if (this.deps.registry.relaysRooms(target)) {
      throw new GatewayError("GW_ERR_FORBIDDEN", `${formatAddress(target)} is of a bridged room of another network: its operators ban there (a bridged room itself: remove its bridge)`);
    }
    if (accounts.some((account) => sameAddress(account, record.createdBy))) throw new GatewayError("GW_ERR_FORBIDDEN", "nobody can ban the room's owner");
    if (accounts.some((account) => this.deps.bridges.isAdmin(account))) throw new GatewayError("GW_ERR_FORBIDDEN", "nobody can ban an admin of the gateway");
    const person = this.deps.identities.personOf(target) ?? target;
    await this.deps.store.put({ room: hub, person, by, reason, at: (this.deps.now ?? Date.now)() });
    await this.deps.disallow?.(hub, target);
    const present = members.filter((member) => accounts.some((account) => sameAddress(account, member.address)));
    for (const member of present) await this.deps.joins.leave(hub, member.address, { by: shownAs, reason, ban: true });
    return present;
  }

  /**
   * An account started counting as `person`'s (a link proven, or a bound link's account logged in again): in each room
   * one of the person's accounts is banned from, each of their accounts still in it is put out now, told it is a ban
   * by whoever made it (their nick there, else their id), as `ban` puts out those it knows of. Those `refuse` lets in
   * (the owner, an admin, someone of a bridged room) stay. Resolves with how many were put out.
   */
  async linked(person: Address): Promise<number> {
    const accounts = this.accounts(person);
    let putOut = 0;
    for (const account of accounts) {
      if (this.deps.registry.relaysRooms(account) || this.deps.bridges.isAdmin(account)) continue;
      for (const hub of await this.deps.rooms.roomsOf(account)) {
        if (isRoomOwner((await this.deps.rooms.get(hub)).createdBy, account, (other) => this.deps.identities.personOf(other))) continue;
        const ban = banAmong(await this.deps.store.list(hub), accounts);
        if (ban === undefined) continue;
        const by = (await this.deps.rooms.members(hub)).find((member) => sameAddress(member.address, ban.by))?.nick ?? ban.by.id;
        await this.deps.joins.leave(hub, account, { by, reason: ban.reason, ban: true });
        putOut++;
      }
    }
    return putOut;
  }

  /** `by` lifts the ban of `target`'s person (and of any of their accounts banned apart); GW_ERR_NOT_FOUND when none was. */
  async unban(room: Address, by: Address, target: Address): Promise<void> {
    const { hub } = await this.deps.joins.moderation(room, by);
    const accounts = this.accounts(target);
    const banned = (await this.deps.store.list(hub)).filter((ban) => accounts.some((account) => sameAddress(account, ban.person)));
    if (banned.length === 0) throw new GatewayError("GW_ERR_NOT_FOUND", `${formatAddress(target)} is not banned from ${formatAddress(room)}`);
    for (const ban of banned) await this.deps.store.remove(hub, ban.person);
  }

  /** The room's bans, oldest first, for its owner and the admins. */
  async list(room: Address, by: Address): Promise<RoomBanRecord[]> {
    const { hub } = await this.deps.joins.moderation(room, by);
    return this.deps.store.list(hub);
  }
}

/** The bans as an adapter reaches them: only in the name of a person of its own network (`speaksFor` throws else). */
export function bansSpokenFor(bans: RoomBans, speaksFor: (person: Address) => void): AdapterRoomBans {
  return {
    ban: async (room, by, target, reason) => {
      speaksFor(by);
      await bans.ban(room, by, target, reason);
    },
    unban: async (room, by, target) => {
      speaksFor(by);
      await bans.unban(room, by, target);
    },
    list: async (room, by) => {
      speaksFor(by);
      return bans.list(room, by);
    },
  };
}
