/**
 * The message log read as rooms' archives, for adapters that serve them (the XMPP component's XEP-0313): pages
 * of a room's messages, counts, and one message by id only when it is of that room's conversation, so that a query
 * of one room can never name, or learn the existence of, another room's, a destroyed room's of the same name or a
 * direct conversation's message.
 */
import type { Address } from "./model/address.js";
import type { Message } from "./model/message.js";
import type { ArchiveQuery, MessageLogStore } from "../store/store.js";

export interface RoomArchive {
  /** A page of the room's messages `query` matches, oldest first: the `limit` oldest or newest of them. */
  page(room: Address, query: ArchiveQuery, page: { readonly limit: number; readonly from: "oldest" | "newest" }): Promise<Message[]>;
  count(room: Address, query: ArchiveQuery): Promise<number>;
  /** The room's message with this gateway id, or undefined (no such message, or not one of this room). */
  message(room: Address, id: string): Promise<Message | undefined>;
  /** The message `from` sent to the room with this origin id, among its newest `within` messages. */
  sentWithOriginId(room: Address, from: Address, originId: string, within: number): Promise<Message | undefined>;
}

export function roomArchiveOf(log: MessageLogStore): RoomArchive {
  return {
    page: (room, query, page) => log.archive(room, query, page),
    count: (room, query) => log.archiveCount(room, query),
    sentWithOriginId: (room, from, originId, within) => log.sentWithOriginId({ room }, from, originId, within),
    // By the room's conversation, not by the message's address: a line of a room destroyed before this one was made
    // under its name, kept for its delivery, has the same address but is of no room's conversation any more.
    message: (room, id) => log.getIn({ room }, id),
  };
}
