/**
 * room.directory: the channels an IRC network lists, a page at a time (core/room-directory.ts; docs/protocol.md
 * "Channel directory"). The asker is always the session's user, whose fresh listings are counted.
 */
import { formatAddress } from "../../../core/model/address.js";
import type { Handler } from "../handler-environment.js";
import type { RoomDirectoryFrame } from "../client-frames.js";
import { self } from "./contact-handlers.js";

export const roomDirectory: Handler<RoomDirectoryFrame> = async (session, frame, env) => {
  const query = { ...(frame.filter === undefined ? {} : { filter: frame.filter }), ...(frame.after === undefined ? {} : { after: frame.after }), ...(frame.max === undefined ? {} : { max: frame.max }) };
  const answer = await env.context.roomDirectory.page(self(session), frame.network, query);
  const last = answer.rooms[answer.rooms.length - 1];
  return {
    network: answer.network,
    rooms: answer.rooms.map((room) => ({ address: formatAddress(room.address), name: room.name, members: room.members, topic: room.topic })),
    count: answer.count,
    index: answer.index,
    complete: answer.complete,
    truncated: answer.truncated,
    ...(last === undefined || answer.complete ? {} : { last: last.name }),
  };
};
