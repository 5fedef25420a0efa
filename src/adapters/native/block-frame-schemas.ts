/**
 * JSON Schemas of the block list's client frames (contact.block, contact.unblock, contact.blocked; core/blocklist.ts),
 * spread into CLIENT_FRAME_SCHEMAS (frame-schemas.ts) and published with them in docs/protocol.schema.json.
 */
import type { ClientFrameType } from "./client-frames.js";
import { address, frame, type Schema } from "./frame-schema-parts.js";

type BlockFrameType = Extract<ClientFrameType, "contact.block" | "contact.unblock" | "contact.blocked">;

const blocked: Schema = {
  ...address,
  description: "Whom: native:bob, xmpp:eve@example.org (any resource; a full JID, as a room occupant's, that one only), irc://libera/eve (any case; also the nicks the same user@host takes until it quits, as far as the gateway sees), irc://libera/*!*@evil.example.org (an IRC hostmask nick!user@host, * and ? as wildcards, matched against the sender's prefix); a native user's or linked person's other accounts are covered too",
};

export const BLOCK_FRAME_SCHEMAS: Readonly<Record<BlockFrameType, Schema>> = {
  "contact.block": frame(
    "contact.block",
    { address: blocked },
    ["address"],
    "Blocks an address: its direct messages and typing are refused as to nobody, its requests and invitations dropped, its room lines hidden from the user, the user's presence shown it offline",
  ),
  "contact.unblock": frame("contact.unblock", { address: blocked }, ["address"], "Unblocks an address; the user's presence is shown it again where it was allowed to see it"),
  "contact.blocked": frame("contact.blocked", {}, [], "The addresses the session user blocked, in the order blocked"),
};
