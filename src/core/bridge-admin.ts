/**
 * What adapters see of bridges (AdapterContext.bridges, served by BridgeService in bridges.ts): a bridge, an admin's
 * request for one, and what admins and anyone joining a bridged room may ask.
 */
import { addressKey, type Address } from "./model/address.js";

export interface Bridge {
  /** The native room at the hub, by name (native:#<room>). */
  readonly room: string;
  /** The room of the other network. */
  readonly remote: Address;
  /** The bridge bot's nick in a MUC ("" on IRC). */
  readonly nick: string;
  /** An IRC channel's key (+k) or a MUC's password, "" for none: used to join, never shown (listings say `keyed`). */
  readonly key: string;
  /** Joins and leaves in the remote room are relayed (where its network relays them at all). */
  readonly membership: boolean;
  /** Where it comes from: the configuration file (changed there only), or an admin at runtime. */
  readonly source: "config" | "runtime" | "open";
  readonly createdBy?: Address;
  readonly createdAt?: number;
}

/** A remote room's key: remote rooms compare case-insensitively (IRC channels and JIDs alike). */
export function remoteKey(remote: Address): string {
  return addressKey({ ...remote, id: remote.id.toLowerCase() });
}

export interface BridgeRequest {
  readonly room: string;
  readonly remote: Address;
  /** The bridge bot's nick in a MUC; ignored on IRC. */
  readonly nick?: string;
  /** The key (+k) of an IRC channel, the password of a MUC. */
  readonly key?: string;
  /** Relay joins and leaves in the remote room (default true). */
  readonly membership?: boolean;
}

/**
 * What AdapterContext.bridges offers adapters: to admins (native frames, XMPP ad-hoc commands) listing, adding and
 * removing bridges; to anyone, a bridged room of another network by its own address (its hub), bridged on demand
 * where its network allows, and the end of such a bridge once its hub is left empty.
 */
export interface BridgeAdmin {
  isAdmin(address: Address): boolean;
  list(by: Address): Promise<Bridge[]>;
  add(by: Address, request: BridgeRequest): Promise<Bridge>;
  remove(by: Address, remote: Address): Promise<void>;
  hubOf(remote: Address): Promise<Address | undefined>;
  hubFor(remote: Address, by: Address, channelKey?: string): Promise<Address>;
  closeIfIdle(hub: Address): Promise<void>;
}
