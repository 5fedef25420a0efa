/**
 * A puppet: the IRC connection that speaks for one person of another network (puppet-pool.ts). A file of its own
 * so that the pool's helpers (idle-puppets.ts, puppet-renames.ts) can name it without importing the pool that
 * imports them.
 */
import type { Address } from "../../core/model/address.js";
import type { IrcConnection } from "./irc-connection.js";

export interface Puppet {
  readonly person: Address;
  readonly connection: IrcConnection;
  /** Channels joined, ASCII lower case. */
  readonly channels: Set<string>;
  lastUsed: number;
}
