/**
 * The name a room shows someone of one of its bridged rooms under (an IRC user of a bridged channel, an occupant of a
 * bridge bot's MUC): their own nick, unless it would pass for someone else's there, when it is `nick%network`
 * (`alice%libera`, as their JID on the XMPP gateway reads):
 *
 * - a member of the room has the nick (a native user, an XMPP occupant);
 * - it is a Switchboard user's name that is not theirs (NickReservations: the user's own linked accounts may use it);
 * - another person of a bridged room is shown under it already (a "dave" of two networks: the first keeps it);
 * - it holds a `%` itself (a MUC nick may), which would read as someone else's shown name.
 *
 * One decision for everything the room shows of them: their lines (sender_name, at acceptance: core/room-routing.ts
 * senderNameIn), the room's lists (native bridged_people, a gateway MUC's occupants) and their joins, leaves and nick
 * changes. What each room shows each of them as is remembered, so that when the decision changes while they are in it
 * (the name was registered, the member who had the nick left, they linked their nick to the user) the caller tells the
 * room a nick change before anything is shown under the new name.
 */
import type { AdapterRegistry } from "./adapter-registry.js";
import { addressKey, sameAddress, type Address } from "./model/address.js";
import { nickKey } from "./model/nick.js";
import type { RoomMember } from "./model/room.js";
import type { RoomService } from "./rooms.js";

/** How many people a room remembers from their lines alone (not listed: a room whose joins and leaves are not relayed). */
const MAX_HEARD_PER_ROOM = 1000;

/** What a room shows `before` as is now `after` (another nick, another role): told as a nick or role change. */
export interface ShownChange {
  readonly before: RoomMember;
  readonly after: RoomMember;
}

interface Shown {
  /** As their own network has them (their own nick). */
  readonly own: RoomMember;
  /** As the room shows them. */
  readonly shown: RoomMember;
  /** In the room's lists (joined, or listed to a joiner), rather than only heard from. */
  readonly listed: boolean;
}

/** One room's people of bridged rooms as it shows them, by address, and who is shown under each name. */
class RoomNames {
  constructor(readonly room: Address) {}

  readonly people = new Map<string, Shown>();
  readonly byName = new Map<string, string>();
  private heard = 0;

  set(entry: Shown): void {
    const key = addressKey(entry.own.address);
    this.delete(key);
    this.people.set(key, entry);
    this.byName.set(nickKey(entry.shown.nick), key);
    if (entry.listed) return;
    this.heard += 1;
    if (this.heard <= MAX_HEARD_PER_ROOM) return;
    for (const [oldest, known] of this.people) {
      if (known.listed) continue;
      this.delete(oldest);
      break;
    }
  }

  delete(key: string): Shown | undefined {
    const entry = this.people.get(key);
    if (!entry) return undefined;
    this.people.delete(key);
    if (!entry.listed) this.heard -= 1;
    const name = nickKey(entry.shown.nick);
    if (this.byName.get(name) === key) this.byName.delete(name);
    return entry;
  }
}

export class ShownNames {
  private readonly rooms = new Map<string, RoomNames>();

  constructor(private readonly deps: { readonly registry: AdapterRegistry; readonly rooms: RoomService }) {}

  /** Whether the address is someone of a bridged room (an IRC user, a bot MUC's occupant) rather than a member. */
  isBridgedPerson(address: Address): boolean {
    return this.deps.registry.relaysRooms(address);
  }

  /**
   * The name a line of `address` (someone of a bridged room, as `nick`) goes under in `room`. Someone the room lists
   * under another name now is shown so from now on: `change` is that, for the room to be told before the line.
   */
  async heard(room: Address, address: Address, nick: string): Promise<{ readonly name: string; readonly change?: ShownChange }> {
    const known = this.known(room, address);
    const own: RoomMember = known?.listed === true && known.own.nick === nick ? known.own : { address, nick, role: known?.own.role ?? "member" };
    const { shown, change } = await this.decide(room, own, known?.listed === true);
    return { name: shown.nick, ...(change === undefined ? {} : { change }) };
  }

  /**
   * `person` (as their network has them) is in the room's lists from now on (joined): as whom it shows them, and the
   * change from what it showed of them before, if it did show them otherwise.
   */
  async show(room: Address, person: RoomMember): Promise<{ readonly shown: RoomMember; readonly change?: ShownChange }> {
    return this.decide(room, person, true);
  }

  /**
   * The room's bridged people now, as their networks have them: as whom it shows each (listed from now on, the first
   * one of a nick keeping it), with the changes from what it showed before; those it listed who are not among them any
   * more are forgotten (a leave it missed).
   */
  async list(room: Address, people: readonly RoomMember[]): Promise<{ readonly shown: RoomMember[]; readonly changes: ShownChange[] }> {
    const names = this.rooms.get(addressKey(room));
    const present = new Set(people.map((person) => addressKey(person.address)));
    for (const [key, entry] of names?.people ?? []) if (entry.listed && !present.has(key)) names?.delete(key);
    // Those shown under their own nick already first: a newcomer to the list does not take a name from them.
    const order = [...people].sort((a, b) => Number(this.showsOwnNick(room, b)) - Number(this.showsOwnNick(room, a)));
    const shown = new Map<string, RoomMember>();
    const changes: ShownChange[] = [];
    const members = await this.members(room);
    for (const person of order) {
      const decided = await this.decide(room, person, true, members);
      shown.set(addressKey(person.address), decided.shown);
      if (decided.change) changes.push(decided.change);
    }
    return { shown: people.map((person) => shown.get(addressKey(person.address)) ?? person), changes };
  }

  /** `address` left the room: as whom it listed them (undefined when it did not), forgotten; their name is free. */
  forget(room: Address, address: Address): RoomMember | undefined {
    const names = this.rooms.get(addressKey(room));
    const entry = names?.delete(addressKey(address));
    if (names?.people.size === 0) this.rooms.delete(addressKey(room));
    return entry?.listed === true ? entry.shown : undefined;
  }

  /**
   * The room has no bridged room any more (a bridge ended): those only heard from are forgotten; those it lists are
   * as each one's leave is told (BridgeService's peopleLeft).
   */
  forgetHeard(room: Address): void {
    const names = this.rooms.get(addressKey(room));
    for (const [key, entry] of names?.people ?? []) if (!entry.listed) names?.delete(key);
    if (names?.people.size === 0) this.rooms.delete(addressKey(room));
  }

  /**
   * Decides again for those listed whose own nick is `nick` (a name registered, a member's nick freed) or whose
   * address is `address` (a link to a user made or ended), in every room or in `room`: the changes, per room.
   */
  async reconsider(which: { readonly nick?: string; readonly address?: Address; readonly room?: Address }): Promise<Array<{ readonly room: Address; readonly change: ShownChange }>> {
    const key = which.nick === undefined ? undefined : nickKey(which.nick);
    const found: Array<{ readonly room: Address; readonly person: RoomMember }> = [];
    for (const [roomKey, names] of this.rooms) {
      if (which.room !== undefined && roomKey !== addressKey(which.room)) continue;
      for (const entry of names.people.values()) {
        if (!entry.listed) continue;
        if ((key !== undefined && nickKey(entry.own.nick) === key) || (which.address !== undefined && sameAddress(entry.own.address, which.address))) {
          found.push({ room: names.room, person: entry.own });
        }
      }
    }
    const changes: Array<{ readonly room: Address; readonly change: ShownChange }> = [];
    for (const { room, person } of found) {
      if (!(await this.deps.rooms.exists(room))) continue;
      const { change } = await this.decide(room, person, true);
      if (change) changes.push({ room, change });
    }
    return changes;
  }

  private known(room: Address, address: Address): Shown | undefined {
    return this.rooms.get(addressKey(room))?.people.get(addressKey(address));
  }

  private showsOwnNick(room: Address, person: RoomMember): boolean {
    const known = this.known(room, person.address);
    return known?.listed === true && known.shown.nick === person.nick;
  }

  private async members(room: Address): Promise<readonly RoomMember[]> {
    return (await this.deps.rooms.exists(room)) ? this.deps.rooms.members(room) : [];
  }

  /** The decision (see the header), remembered; `listed`: in the room's lists from now on. */
  private async decide(room: Address, person: RoomMember, listed: boolean, members?: readonly RoomMember[]): Promise<{ readonly shown: RoomMember; readonly change?: ShownChange }> {
    const name = nickKey(person.nick);
    const inRoom = members ?? (await this.members(room));
    const taken = inRoom.some((member) => nickKey(member.nick) === name && !sameAddress(member.address, person.address) && !this.deps.registry.relaysRooms(member.address));
    const reserved = !taken && (await this.deps.rooms.reservedAgainst(person.nick, person.address, { recent: true })) !== undefined;
    // From here on nothing waits: what the room shows is read and written at once, so two decisions never both take a name.
    const key = addressKey(room);
    let names = this.rooms.get(key);
    if (!names) {
      names = new RoomNames(room);
      this.rooms.set(key, names);
    }
    const holder = names.byName.get(name);
    const shownAsAnother = holder !== undefined && holder !== addressKey(person.address);
    const nick = taken || reserved || shownAsAnother || person.nick.includes("%") ? `${person.nick}%${person.address.account}` : person.nick;
    const shown: RoomMember = { ...person, nick };
    const before = names.people.get(addressKey(person.address));
    const stillListed = listed || before?.listed === true;
    names.set({ own: person, shown, listed: stillListed });
    const change = before?.listed === true && (before.shown.nick !== nick || before.shown.role !== shown.role) ? { before: before.shown, after: shown } : undefined;
    return change === undefined ? { shown } : { shown, change };
  }
}
