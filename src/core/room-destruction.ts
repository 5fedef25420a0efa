/**
 * A room destroyed by its owner or an admin of the gateway (XEP-0045 section 10.9; native `room.destroy`): every
 * network tells its people in it that it is gone and why (Adapter.roomDestroyed: a native push, the XMPP occupants'
 * unavailable presence with <destroy/>), then the room is deleted with its members, bans, settings and log, as
 * Prosody deletes a destroyed room's archive, so that its name is free and a room made again under it starts empty.
 * A room that is part of a bridge is not destroyed: its bridge is removed first (it would else be made again, or
 * leave an IRC channel relaying into nothing).
 */
import type { AdapterRegistry } from "./adapter-registry.js";
import { GatewayError } from "./errors.js";
import type { Logger } from "./logger.js";
import { addressKey, formatAddress, type Address } from "./model/address.js";
import { cleanReason } from "./room-invitations.js";
import type { RoomService } from "./rooms.js";
import type { RoomSettings } from "./room-settings.js";

export interface RoomDestructionDeps {
  readonly rooms: RoomService;
  readonly settings: RoomSettings;
  readonly registry: AdapterRegistry;
  readonly bridges: { isHub(room: Address): Promise<boolean> };
  readonly log: Logger;
}

export class RoomDestruction {
  constructor(private readonly deps: RoomDestructionDeps) {}

  /**
   * `by` destroys the room: GW_ERR_NOT_FOUND without it, GW_ERR_FORBIDDEN for anyone but its owner or an admin, and
   * for a room that is part of a bridge. `reason` is cut to one line as an invitation's.
   */
  async destroy(room: Address, by: Address, reason: string): Promise<void> {
    // Joins of the room wait until it is gone (then find no room): one let in after the members were read would be
    // removed with it without being told.
    await this.deps.rooms.exclusive(room, () => this.destroyNow(room, by, reason));
  }

  private async destroyNow(room: Address, by: Address, reason: string): Promise<void> {
    await this.deps.settings.checkOwner(room, by);
    const members = await this.deps.rooms.members(room);
    if ((await this.deps.bridges.isHub(room)) || members.some((member) => this.deps.registry.relaysRooms(member.address))) {
      throw new GatewayError("GW_ERR_FORBIDDEN", `${formatAddress(room)} is part of a bridge: remove the bridge first (bridge.remove, or from the configuration's bridges)`);
    }
    const why = cleanReason(reason);
    for (const adapter of this.deps.registry.all()) {
      // One network failing to tell its people does not keep the room from going: they see it gone at their next try.
      await adapter.roomDestroyed?.(room, members, why).catch((error: unknown) => this.deps.log.warn({ err: error, room: addressKey(room), network: `${adapter.protocol}/${adapter.account}` }, "room destruction not told"));
    }
    await this.deps.rooms.destroy(room);
    this.deps.settings.forget(room);
    this.deps.log.info({ room: addressKey(room), by: addressKey(by), members: members.length }, "room destroyed");
  }
}
