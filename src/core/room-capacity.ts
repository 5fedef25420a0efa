/**
 * How many people a room of the gateway takes (`rooms.max_members`), so that an XMPP server minting JIDs, or a
 * script with many native accounts, cannot grow a room's member list (stored, and read for every message sent to
 * the room) without bound.
 *
 * A place is taken by each member who joined through the gateway: native users and XMPP occupants of the room's MUC,
 * one per person however many sessions they have. A bridged room that is a member of its hub (an IRC channel, a
 * bridge bot's MUC) takes none and is never refused: the people it stands for are on another server, which keeps
 * its own limits. Never refused either: someone who is in the room already (another session, a rejoin), the room's
 * owner (its creator) and the gateway's admins, who may always come in to look after a full room, as a MUC lets its
 * owners and admins in past its maximum of occupants (XEP-0045 7.2.10); they then take a place like anyone.
 */
import { LogThrottle } from "../util/log-throttle.js";
import { GatewayError } from "./errors.js";
import type { Logger } from "./logger.js";
import { addressKey, formatAddress, type Address } from "./model/address.js";
import type { RoomMember } from "./model/room.js";

/** At most one log line per room in this time about its refused joins; the others are counted into the next. */
const REFUSAL_LOG_INTERVAL_MS = 60_000;
/** Rooms whose refusals are being counted, at most; past it the counts start over (a few lines more, no more memory). */
const MAX_ROOMS_COUNTED = 1000;

export interface RoomCapacityPolicy {
  /** `rooms.max_members`. */
  readonly maxMembers: number;
  /** Whether a member takes a place: a person does, a bridged room (AdapterRegistry.relaysRooms) does not. */
  readonly takesPlace: (member: Address) => boolean;
  /** Whether someone may join a room with no place left: the gateway's admins. */
  readonly mayJoinFull: (member: Address) => boolean;
  /** The person an account is linked to, when the link counts now (IdentityService.personOf). */
  readonly personOf: (address: Address) => Address | undefined;
}

/** The people among a room's members who take a place, each once: a person's linked accounts are the person. */
function peopleIn(members: readonly RoomMember[], policy: RoomCapacityPolicy): Set<string> {
  const people = new Set<string>();
  for (const member of members) if (policy.takesPlace(member.address)) people.add(personKey(member.address, policy));
  return people;
}

function personKey(address: Address, policy: RoomCapacityPolicy): string {
  return addressKey(policy.personOf(address) ?? address);
}

/** The places taken among a room's members: one per person. */
export function placesTaken(members: readonly RoomMember[], policy: RoomCapacityPolicy): number {
  return peopleIn(members, policy).size;
}

/**
 * Whether `joiner` is kept out of a room with these members: no place left, and none of the exceptions above (the
 * joiner's role is `owner` for the room's creator: RoomService.join). Someone in already is among the room's people,
 * and so is a linked account of someone in the room (their XMPP JID joining the MUC while they are in as a native
 * user): that person, in already.
 */
export function isFullFor(members: readonly RoomMember[], joiner: RoomMember, policy: RoomCapacityPolicy): boolean {
  if (joiner.role === "owner" || !policy.takesPlace(joiner.address) || policy.mayJoinFull(joiner.address)) return false;
  const people = peopleIn(members, policy);
  return !people.has(personKey(joiner.address, policy)) && people.size >= policy.maxMembers;
}

export class RoomCapacity {
  private readonly refusalLogs = new Map<string, LogThrottle>();

  constructor(
    private readonly policy: RoomCapacityPolicy,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** The most members a room takes now (rooms.max_members, after the last reload). */
  get maxMembers(): number {
    return this.policy.maxMembers;
  }

  /**
   * GW_ERR_ROOM_FULL when `room`, with these members, has no place for `joiner`; logged with the room and the
   * joiner's address (a person's, never an XMPP session's resource), once a minute per room at most.
   */
  check(room: Address, members: readonly RoomMember[], joiner: RoomMember): void {
    if (!isFullFor(members, joiner, this.policy)) return;
    this.logRefusal(room, joiner.address, placesTaken(members, this.policy));
    throw new GatewayError("GW_ERR_ROOM_FULL", `${room.id} is full: this gateway allows ${this.policy.maxMembers} members in a room`);
  }

  private logRefusal(room: Address, joiner: Address, members: number): void {
    const key = addressKey(room);
    let throttle = this.refusalLogs.get(key);
    if (!throttle) {
      if (this.refusalLogs.size >= MAX_ROOMS_COUNTED) this.refusalLogs.clear();
      throttle = new LogThrottle(REFUSAL_LOG_INTERVAL_MS, this.now);
      this.refusalLogs.set(key, throttle);
    }
    const refusedBefore = throttle.occurred();
    if (refusedBefore === undefined) return;
    this.log.info({ room: formatAddress(room), member: formatAddress(joiner), members, max: this.policy.maxMembers, refusedBefore }, "room join refused: the room is full");
  }
}
