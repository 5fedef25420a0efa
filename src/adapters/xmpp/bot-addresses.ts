/** The addresses of a bridge bot's MUCs (bot-adapter.ts) in the core: the MUC as a room member, and its native room. */
import { makeAddress, type Address } from "../../core/model/address.js";
import { nativeRoomAddress } from "../../core/model/room.js";
import type { XmppBotRoomConfig } from "../../config/config-types.js";

/** The address of a bridged MUC, as a member of its native room. */
export function mucAddress(account: string, muc: string): Address {
  return makeAddress("xmpp", account, muc.toLowerCase());
}

/** The native room a MUC is bridged to. */
export function bridgedRoom(room: XmppBotRoomConfig): Address {
  return nativeRoomAddress(room.room);
}
