/**
 * Helpers for adapters that relay rooms (an IRC network, a bridge bot), part of the adapter contract (core/adapter.ts
 * re-exports them).
 */
import { addressKey, type Address, type ProtocolId } from "./model/address.js";
import type { Message } from "./model/message.js";

/**
 * The rooms of its own network a relay (an IRC network, a bridge bot: `account` of `protocol`) sends a room message
 * to, given those bridged to the message's room (`rooms`, each at `addressOf(room)`): every one but the room the
 * message was said in, which it names in its hops; none when it comes from the relay's own network without naming
 * one of them (it could only go back where it came from).
 */
export function roomsToRelayTo<T>(message: Message, protocol: ProtocolId, account: string, rooms: readonly T[], addressOf: (room: T) => Address): T[] {
  const cameFrom = (room: T): boolean => message.hops.includes(addressKey(addressOf(room)));
  const fromHere = message.origin.protocol === protocol && message.origin.account === account;
  return fromHere && !rooms.some(cameFrom) ? [] : rooms.filter((room) => !cameFrom(room));
}

/** One confirmation for several (a room message to several channels): resolves when all do, rejects with the first failure. */
export function allConfirmed(confirmations: readonly Promise<void>[]): Promise<void> {
  if (confirmations.length === 1) return confirmations[0] as Promise<void>;
  const all = Promise.all(confirmations).then(() => undefined);
  all.catch(() => undefined);
  return all;
}
