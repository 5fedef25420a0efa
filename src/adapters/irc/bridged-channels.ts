/**
 * The channels of one IRC network bridged to native rooms: those of the configuration, then those an admin
 * bridged at runtime (core/bridges.ts), with an index from each native room to its channels, since every room
 * message looks its channels up. Channel names compare in ASCII lower case.
 */
import { addressKey, type Address } from "../../core/model/address.js";
import type { IrcChannelConfig } from "../../config/config-types.js";
import { nativeRoom } from "./irc-addresses.js";

export class BridgedChannels {
  private readonly channels: IrcChannelConfig[];
  private readonly byRoom = new Map<string, IrcChannelConfig[]>();

  constructor(configured: readonly IrcChannelConfig[]) {
    this.channels = [...configured];
    this.index();
  }

  all(): readonly IrcChannelConfig[] {
    return this.channels;
  }

  /** The channels bridged to a native room (none for a room this network does not bridge). */
  ofRoom(room: Address): readonly IrcChannelConfig[] {
    return this.byRoom.get(addressKey(room)) ?? [];
  }

  find(name: string): IrcChannelConfig | undefined {
    const folded = name.toLowerCase();
    return this.channels.find((channel) => channel.channel.toLowerCase() === folded);
  }

  add(channel: IrcChannelConfig): void {
    this.channels.push(channel);
    this.index();
  }

  /** Removes a channel; the removed one, or undefined when it was not bridged. */
  remove(name: string): IrcChannelConfig | undefined {
    const channel = this.find(name);
    if (!channel) return undefined;
    this.channels.splice(this.channels.indexOf(channel), 1);
    this.index();
    return channel;
  }

  private index(): void {
    this.byRoom.clear();
    for (const channel of this.channels) {
      const key = addressKey(nativeRoom(channel.room));
      this.byRoom.set(key, [...(this.byRoom.get(key) ?? []), channel]);
    }
  }
}
