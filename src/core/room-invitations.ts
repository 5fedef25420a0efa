/**
 * Invitations into the gateway's rooms, across networks (XEP-0045 7.8.2 mediated invitations, an IRC INVITE, a
 * native push): a member of a room invites anyone, and the invitee's network tells them in its own way
 * (Adapter.sendInvitation). Invitations are a spam vector, so an inviter may make at most `rooms.invitations_per_hour`
 * of them (every one that passed the membership check counts, delivered or not), and the invitee's network must know the
 * address. A decline (XEP-0045 7.8.2) goes back to the inviter (Adapter.sendDecline) only for an invitation made here
 * in the last hour, once: nobody can send "declines" to people who invited nobody.
 * It knows no protocol: the invitee's adapter is found in the registry by the address's network.
 */
import type { AdapterRegistry } from "./adapter-registry.js";
import type { BlockCheck } from "./blocklist.js";
import { GatewayError } from "./errors.js";
import type { Logger } from "./logger.js";
import { addressKey, type Address } from "./model/address.js";
import type { RoomInvitation } from "./model/room.js";
import { hasUnsafeCharacters } from "./model/text.js";
import type { RoomService } from "./rooms.js";
import { AttemptLimiter } from "../util/attempt-limiter.js";

/** Invitations one inviter may make in an hour when the configuration does not say (`rooms.invitations_per_hour`). */
export const INVITATIONS_PER_HOUR = 30;
/** The longest reason kept; a longer one is cut (as a kick's reason is limited on the native protocol). */
export const MAX_INVITATION_REASON = 300;
const HOUR_MS = 60 * 60 * 1000;
/** Anyone reaching the XMPP component can invite from a room they joined: the memory their counts take is bounded. */
const MAX_COUNTED_INVITERS = 10_000;
/** Invitations remembered for their declines; beyond it the oldest are forgotten (their declines then dropped). */
const MAX_REMEMBERED = 10_000;

export interface RoomInvitationsOptions {
  readonly rooms: RoomService;
  readonly registry: AdapterRegistry;
  /** The gateway room a bridged room of another network (an IRC channel) is bridged to, if any (BridgeAdmin.hubOf). */
  readonly hubOf: (remote: Address) => Promise<Address | undefined>;
  readonly log: Logger;
  /** `rooms.invitations_per_hour`, read at each invitation (a reload changes it for the next); INVITATIONS_PER_HOUR without it. */
  readonly perHour?: () => number;
  readonly now?: () => number;
  /** Whether the invitee blocked the inviter (core/blocklist.ts): the invitation is dropped, the inviter told nothing. */
  readonly blocks?: BlockCheck;
  /**
   * Whether an invitation by `inviter` lets the invitee into the room (a members-only room, its owner or an admin
   * inviting: RoomSettings.invitationAllows, which refuses anyone else's there), and letting them in.
   */
  readonly settings?: {
    invitationAllows(room: Address, inviter: Address): Promise<boolean>;
    allow(room: Address, person: Address): Promise<void>;
  };
}

function pendingKey(room: Address, inviter: Address, invitee: Address): string {
  return `${addressKey(room)} ${addressKey(inviter)} ${addressKey(invitee)}`;
}

/**
 * A reason as every network can carry it: on one line (an XMPP client may send several; an IRC line cannot hold
 * them), at most MAX_INVITATION_REASON characters. GW_ERR_BAD_FRAME for characters no network carries as text.
 */
export function cleanReason(reason: string): string {
  const oneLine = reason.replace(/[\t\r\n]+/g, " ").trim();
  if (hasUnsafeCharacters(oneLine)) throw new GatewayError("GW_ERR_BAD_FRAME", "the reason holds control characters");
  return [...oneLine].slice(0, MAX_INVITATION_REASON).join("");
}

export class RoomInvitations {
  private readonly attempts: AttemptLimiter;
  /** Invitations made, by room, inviter and invitee: when each may no longer be declined. */
  private readonly made = new Map<string, number>();

  /** Invitations one inviter may make in an hour, as the configuration says now. */
  get perHour(): number {
    return this.options.perHour?.() ?? INVITATIONS_PER_HOUR;
  }

  constructor(private readonly options: RoomInvitationsOptions) {
    this.attempts = new AttemptLimiter(INVITATIONS_PER_HOUR, HOUR_MS, () => this.now(), MAX_COUNTED_INVITERS);
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** The gateway room `room` names: itself, or the hub a bridged room of another network is bridged to. GW_ERR_NOT_FOUND. */
  private async hub(room: Address): Promise<Address> {
    const hub = room.protocol === "native" ? room : await this.options.hubOf(room);
    if (hub === undefined || !(await this.options.rooms.exists(hub))) throw new GatewayError("GW_ERR_NOT_FOUND", `no room ${addressKey(room)} on this gateway`);
    return hub;
  }

  /**
   * `invitation.from` invites `invitation.to` into the room: resolves once the invitee's network sent it (the
   * inviter's answer is then `ok`), rejects with a coded error otherwise (AdapterContext.inviteToRoom lists them).
   */
  async invite(invitation: RoomInvitation): Promise<void> {
    const { from, to } = invitation;
    const room = await this.hub(invitation.room);
    if (!(await this.options.rooms.isMember(room, from))) throw new GatewayError("GW_ERR_NOT_MEMBER", `join ${room.id} before inviting anyone into it`);
    this.charge(from);
    const inviter = addressKey(from);
    const reason = cleanReason(invitation.reason);
    const adapter = this.options.registry.for(to);
    if (!adapter) throw new GatewayError("GW_ERR_NO_ROUTE", `no network serves ${addressKey(to)}`);
    if (!adapter.sendInvitation) throw new GatewayError("GW_ERR_UNSUPPORTED", `${to.protocol}/${to.account} has no way to invite anyone into a room`);
    if (!(await adapter.knows(to))) throw new GatewayError("GW_ERR_UNKNOWN_RECIPIENT", `nobody is known at ${addressKey(to)}`);
    if (await this.options.rooms.isMember(room, to)) throw new GatewayError("GW_ERR_BAD_ADDRESS", `${addressKey(to)} is in ${room.id} already`);
    if (this.options.blocks?.(to, from) === true) return this.options.log.debug({ room: addressKey(room), from: inviter, to: addressKey(to) }, "room invitation to someone who blocked the inviter dropped");
    const allows = (await this.options.settings?.invitationAllows(room, from)) ?? false;
    // Allowed first: the invitee may accept at once, before this resolves.
    if (allows) await this.options.settings?.allow(room, to);
    await adapter.sendInvitation({ room, from, to, reason });
    this.remember(pendingKey(room, from, to));
    this.options.log.info({ room: addressKey(room), from: inviter, to: addressKey(to) }, "room invitation sent");
  }

  /**
   * Counts one invitation by `inviter` (also into a room of her own account, core/own-rooms.ts); GW_ERR_RATE_LIMITED,
   * and nothing counted, past `rooms.invitations_per_hour` in the last hour. Returns what takes the count back, for
   * an invitation that did not go out after all (counted first all the same: invitations asked at once stay limited).
   */
  charge(inviter: Address): () => void {
    const key = addressKey(inviter);
    const perHour = this.perHour;
    const retryAfter = this.attempts.retryAfter(key, perHour);
    if (retryAfter > 0) throw new GatewayError("GW_ERR_RATE_LIMITED", `at most ${perHour} invitations an hour; try again in ${Math.ceil(retryAfter / 1000)} s`);
    this.attempts.fail(key);
    return () => this.attempts.forgive(key);
  }

  /**
   * `decline.from` declines the invitation `decline.to` made: the inviter's network tells them, once. False when no
   * such invitation was made in the last hour (nothing is told), or the inviter's network cannot tell them.
   */
  async decline(decline: RoomInvitation): Promise<boolean> {
    const room = await this.hub(decline.room).catch(() => undefined);
    if (room === undefined) return false;
    const key = pendingKey(room, decline.to, decline.from);
    const until = this.made.get(key);
    this.made.delete(key);
    if (until === undefined || until < this.now()) return false;
    const adapter = this.options.registry.for(decline.to);
    if (!adapter?.sendDecline) return false;
    await adapter.sendDecline({ ...decline, room, reason: cleanReason(decline.reason) });
    return true;
  }

  private remember(key: string): void {
    this.made.delete(key); // inserted again at the end: the Map's order is the order of expiry
    if (this.made.size >= MAX_REMEMBERED) {
      const oldest = this.made.keys().next();
      if (oldest.done !== true) this.made.delete(oldest.value);
    }
    this.made.set(key, this.now() + HOUR_MS);
  }
}
