/**
 * Rooms' settings chosen by their owners, as XMPP MUC owners know them (XEP-0045 section 10.2, muc#roomconfig): a
 * members-only room lets in only the people allowed into it (an invitation by its owner or an admin allows the
 * invitee, as Prosody does; its members when it was made members-only stay allowed; a kick or a ban takes it back), a
 * password is asked of everyone else at each join (kept as a scrypt hash, never logged nor shown to anyone; failures
 * limited per joiner, per XMPP server and per registrable domain of servers, so that it cannot be guessed fast), a description, and whether the room is
 * listed (public) or hidden. The owner (its creator, by any of her linked accounts: room-owner.ts) and the gateway's
 * admins always get in and may change them. The
 * people of a bridged IRC channel or bot's MUC do not join through the gateway: none of this holds for them.
 */
import { askerDomainOrigin, askerOrigin, DOMAIN_FACTOR, ORIGIN_FACTOR } from "./asker-origin.js";
import { GatewayError } from "./errors.js";
import { addressKey, formatAddress, sameAddress, type Address } from "./model/address.js";
import type { RoomMember } from "./model/room.js";
import { hasUnsafeCharacters } from "./model/text.js";
import { hashPassword, verifyPassword } from "./passwords.js";
import { accountsOf } from "./room-bans.js";
import { isRoomOwner } from "./room-owner.js";
import type { PersonOf } from "./room-joins.js";
import type { RoomRecord, RoomSettingsRecord, RoomSettingsStore } from "../store/store.js";
import { AttemptLimiter } from "../util/attempt-limiter.js";

export const MAX_ROOM_DESCRIPTION = 256;
export const MAX_ROOM_PASSWORD = 128;
/**
 * Wrong room passwords one joiner may give a room in PASSWORD_WINDOW_MS (their XMPP server ORIGIN_FACTOR times as
 * many, all servers under one registrable domain DOMAIN_FACTOR times as many again: core/asker-origin.ts).
 */
export const PASSWORD_FAILURES = 5;
const PASSWORD_WINDOW_MS = 10 * 60 * 1000;
const MAX_COUNTED_JOINERS = 10_000;

/** A room's settings as anyone who may see them is shown them: never the password, only whether there is one. */
export interface RoomSettingsView {
  readonly membersOnly: boolean;
  readonly passwordProtected: boolean;
  readonly description: string;
  readonly public: boolean;
}

/** What an owner changes; what is left out stays. `password: null` takes the password away. */
export interface RoomSettingsChange {
  readonly membersOnly?: boolean;
  readonly password?: string | null;
  readonly description?: string;
  readonly public?: boolean;
}

/** The settings of a room nobody configured: open, no password, no description, listed. */
export function defaultSettings(room: Address): RoomSettingsRecord {
  return { room, membersOnly: false, description: "", public: true };
}

export function settingsView(settings: RoomSettingsRecord): RoomSettingsView {
  return { membersOnly: settings.membersOnly, passwordProtected: settings.passwordHash !== undefined, description: settings.description, public: settings.public };
}

/** A description on one line (line breaks become spaces), at most MAX_ROOM_DESCRIPTION characters; GW_ERR_BAD_FRAME else. */
export function checkDescription(description: string): string {
  const oneLine = description.replace(/[\t\r\n]+/g, " ").trim();
  if (hasUnsafeCharacters(oneLine)) throw new GatewayError("GW_ERR_BAD_FRAME", "the description holds control characters");
  if ([...oneLine].length > MAX_ROOM_DESCRIPTION) throw new GatewayError("GW_ERR_BAD_FRAME", `a room's description is at most ${MAX_ROOM_DESCRIPTION} characters`);
  return oneLine;
}

function checkPassword(password: string): void {
  if (password === "" || [...password].length > MAX_ROOM_PASSWORD || hasUnsafeCharacters(password)) {
    throw new GatewayError("GW_ERR_BAD_FRAME", `a room's password is 1 to ${MAX_ROOM_PASSWORD} characters, without control characters (null takes it away)`);
  }
}

/** The settings as an adapter reaches them (AdapterContext.roomSettings): `by` is always a person of its network. */
export interface AdapterRoomSettings {
  /** The room's settings, to its owner and the admins (GW_ERR_FORBIDDEN for anyone else); `change` applied first. */
  configure(room: Address, by: Address, change: RoomSettingsChange): Promise<RoomSettingsView>;
  /** What anyone may know of a room (XEP-0045 disco#info): its settings, the password only as whether there is one. */
  of(room: Address): Promise<RoomSettingsView>;
  /** Whether `viewer` is shown the room in lists (RoomSettings.listedTo). */
  listedTo(room: RoomRecord, viewer: Address): Promise<boolean>;
  /** `by` destroys the room (core/room-destruction.ts): its owner or an admin, and not a room that is part of a bridge. */
  destroy(room: Address, by: Address, reason: string): Promise<void>;
}

export interface RoomSettingsDeps {
  readonly store: RoomSettingsStore;
  readonly rooms: { get(room: Address): Promise<RoomRecord>; members(room: Address): Promise<readonly RoomMember[]> };
  readonly isAdmin: (address: Address) => boolean;
  /** Whether an address is of an adapter that relays rooms: a bridged channel or MUC, or someone in one. */
  readonly relaysRooms: (address: Address) => boolean;
  /** Linked accounts that count now (IdentityService): one's allowance is one's person's. */
  readonly identities: { personOf: PersonOf; linkedTo(person: Address): readonly Address[] };
  readonly now?: () => number;
}

export class RoomSettings {
  /** Write-through: every change of settings goes through this service (one daemon per database). */
  private readonly cache = new Map<string, RoomSettingsRecord>();
  /**
   * Counts every change (and destruction) of settings: a read from the store is kept in the cache only if none came
   * while it was answered, or settings read before a change would be kept after it (a password just set, not asked).
   */
  private changes = 0;
  private readonly failures: AttemptLimiter;

  constructor(private readonly deps: RoomSettingsDeps) {
    this.failures = new AttemptLimiter(PASSWORD_FAILURES, PASSWORD_WINDOW_MS, deps.now ?? Date.now, MAX_COUNTED_JOINERS);
  }

  private isOwner(room: RoomRecord, by: Address): boolean {
    return isRoomOwner(room.createdBy, by, (account) => this.deps.identities.personOf(account));
  }

  private accounts(address: Address): Address[] {
    return accountsOf(address, (account) => this.deps.identities.personOf(account), (person) => this.deps.identities.linkedTo(person));
  }

  /** The room's settings (the defaults when nobody configured it); GW_ERR_NOT_FOUND without such a room. */
  async settingsOf(room: Address): Promise<RoomSettingsRecord> {
    const cached = this.cache.get(addressKey(room));
    if (cached) return cached;
    const changes = this.changes;
    await this.deps.rooms.get(room);
    const settings = (await this.deps.store.get(room)) ?? defaultSettings(room);
    if (changes === this.changes) this.cache.set(addressKey(room), settings);
    return settings;
  }

  async of(room: Address): Promise<RoomSettingsView> {
    return settingsView(await this.settingsOf(room));
  }

  /** The owner (the room's creator) or an admin of the gateway; GW_ERR_FORBIDDEN for anyone else. */
  async checkOwner(room: Address, by: Address): Promise<RoomRecord> {
    const record = await this.deps.rooms.get(room);
    if (!this.isOwner(record, by) && !this.deps.isAdmin(by)) throw new GatewayError("GW_ERR_FORBIDDEN", `only the owner of ${formatAddress(room)} or an admin of the gateway configures it`);
    return record;
  }

  /**
   * `by` (the owner or an admin) changes the room's settings; resolves with them as they are now. A room made
   * members-only keeps letting in the people in it now (they stay allowed after they leave).
   */
  async configure(room: Address, by: Address, change: RoomSettingsChange): Promise<RoomSettingsView> {
    await this.checkOwner(room, by);
    const before = await this.settingsOf(room);
    if (Object.keys(change).length === 0) return settingsView(before);
    const description = change.description === undefined ? before.description : checkDescription(change.description);
    let passwordHash = before.passwordHash;
    if (change.password === null) passwordHash = undefined;
    else if (change.password !== undefined) {
      checkPassword(change.password);
      passwordHash = await hashPassword(change.password);
    }
    const { passwordHash: _old, ...kept } = before;
    const after: RoomSettingsRecord = {
      ...kept,
      membersOnly: change.membersOnly ?? before.membersOnly,
      description,
      public: change.public ?? before.public,
      ...(passwordHash === undefined ? {} : { passwordHash }),
    };
    if (after.membersOnly && !before.membersOnly) {
      for (const member of await this.deps.rooms.members(room)) {
        if (!this.deps.relaysRooms(member.address)) await this.allow(room, member.address);
      }
    }
    this.changes += 1;
    this.cache.delete(addressKey(room));
    await this.deps.store.put(after);
    this.changes += 1;
    this.cache.delete(addressKey(room));
    return settingsView(after);
  }

  /**
   * Refuses a join the room's settings keep out (RoomService.join asks, after the bans): someone not allowed into a
   * members-only room is GW_ERR_FORBIDDEN (condition "members-only"), a password missing or wrong GW_ERR_KEY_NEEDED,
   * too many wrong ones GW_ERR_RATE_LIMITED. Its owner, the admins, its members (joining again, or from another
   * session) and the bridged rooms in it always get in.
   */
  async refuse(room: RoomRecord, member: Address, password: string | undefined): Promise<void> {
    if (this.deps.relaysRooms(member) || this.isOwner(room, member) || this.deps.isAdmin(member)) return;
    const settings = await this.settingsOf(room.address);
    if (!settings.membersOnly && settings.passwordHash === undefined) return;
    const accounts = this.accounts(member);
    if ((await this.deps.rooms.members(room.address)).some((entry) => accounts.some((account) => sameAddress(account, entry.address)))) return;
    if (settings.membersOnly && !(await this.isAllowed(room.address, accounts))) {
      throw new GatewayError("GW_ERR_FORBIDDEN", `${formatAddress(room.address)} is members-only: ask its owner for an invitation`, { condition: "members-only" });
    }
    if (settings.passwordHash !== undefined) await this.checkRoomPassword(room.address, settings.passwordHash, member, password);
  }

  private async isAllowed(room: Address, accounts: readonly Address[]): Promise<boolean> {
    const allowed = await this.deps.store.allowed(room);
    return allowed.some((person) => accounts.some((account) => sameAddress(account, person)));
  }

  /** The password asked of a joiner: counted per joiner (their person), per XMPP server and per registrable domain when wrong, checked only while under all limits. */
  private async checkRoomPassword(room: Address, hash: string, member: Address, password: string | undefined): Promise<void> {
    if (password === undefined || password === "") throw new GatewayError("GW_ERR_KEY_NEEDED", `${formatAddress(room)} needs a password`);
    const person = this.deps.identities.personOf(member) ?? member;
    const keys = [{ key: `${addressKey(room)} ${addressKey(person)}`, max: PASSWORD_FAILURES }];
    const origin = askerOrigin(member);
    if (origin !== undefined) keys.push({ key: `${addressKey(room)} ${origin}`, max: PASSWORD_FAILURES * ORIGIN_FACTOR });
    const domain = askerDomainOrigin(member);
    if (domain !== undefined) keys.push({ key: `${addressKey(room)} ${domain}`, max: PASSWORD_FAILURES * ORIGIN_FACTOR * DOMAIN_FACTOR });
    const wait = Math.max(...keys.map(({ key, max }) => this.failures.retryAfter(key, max)));
    if (wait > 0) throw new GatewayError("GW_ERR_RATE_LIMITED", `too many wrong passwords for ${formatAddress(room)}; try again in ${Math.ceil(wait / 1000)} s`);
    // Counted as wrong before it is checked, and taken back if right: checks run side by side (one XMPP user's
    // resources join at once), and each must see the others' counts, or a burst of guesses would all be checked.
    for (const { key } of keys) this.failures.fail(key);
    if (!(await verifyPassword(password, hash))) throw new GatewayError("GW_ERR_KEY_NEEDED", `wrong password for ${formatAddress(room)}`);
    for (const { key } of keys) this.failures.forgive(key);
  }

  /** Lets `person`'s person into the room (an invitation by its owner or an admin). */
  async allow(room: Address, person: Address): Promise<void> {
    await this.deps.store.allow(room, this.deps.identities.personOf(person) ?? person);
  }

  /** Takes back the allowance of `target`'s person and of each of their accounts (a kick, a ban). */
  async disallow(room: Address, target: Address): Promise<void> {
    for (const account of this.accounts(target)) await this.deps.store.disallow(room, account);
  }

  /**
   * An invitation by `inviter` into the room: true when it lets the invitee in (a members-only room, the owner or an
   * admin inviting), false when it changes nothing (an open room). GW_ERR_FORBIDDEN for anyone else's invitation into
   * a members-only room (as Prosody refuses members' invitations there by default).
   */
  async invitationAllows(room: Address, inviter: Address): Promise<boolean> {
    const settings = await this.settingsOf(room);
    if (!settings.membersOnly) return false;
    const record = await this.deps.rooms.get(room);
    if (this.isOwner(record, inviter) || this.deps.isAdmin(inviter)) return true;
    throw new GatewayError("GW_ERR_FORBIDDEN", `${formatAddress(room)} is members-only: only its owner or an admin of the gateway invites into it`);
  }

  /** Whether `viewer` is shown the room in lists: a public one to anyone, a hidden one to its members, its owner and the admins. */
  async listedTo(room: RoomRecord, viewer: Address): Promise<boolean> {
    if ((await this.settingsOf(room.address)).public) return true;
    if (this.isOwner(room, viewer) || this.deps.isAdmin(viewer)) return true;
    return (await this.deps.rooms.members(room.address)).some((member) => sameAddress(member.address, viewer));
  }

  /** The room is gone (destroyed): its settings are not kept in memory. */
  forget(room: Address): void {
    this.changes += 1;
    this.cache.delete(addressKey(room));
  }
}

/** The settings as an adapter reaches them: only in the name of a person of its own network (`speaksFor` throws else). */
export function settingsSpokenFor(settings: RoomSettings, destruction: { destroy(room: Address, by: Address, reason: string): Promise<void> }, speaksFor: (person: Address) => void): AdapterRoomSettings {
  return {
    configure: async (room, by, change) => {
      speaksFor(by);
      return settings.configure(room, by, change);
    },
    of: (room) => settings.of(room),
    listedTo: (room, viewer) => settings.listedTo(room, viewer),
    destroy: async (room, by, reason) => {
      speaksFor(by);
      await destruction.destroy(room, by, reason);
    },
  };
}
