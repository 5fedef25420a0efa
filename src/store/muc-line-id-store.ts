/**
 * The MUCs' own ids (XEP-0359 <stanza-id by="room"/>) of the lines a bridge bot or a linked account carried, kept
 * across restarts (adapters/xmpp/muc-line-ids.ts looks here when its memory has no line): a retraction or a reply
 * names a line by the room's id, a native one names it by gateway id. Bounded: the newest MUC_LINES_KEPT per MUC, and
 * pruned with the message log's retention.
 */

/** How many lines' ids are kept per MUC: retractions and replies are of recent lines. */
export const MUC_LINES_KEPT = 1000;

/** One line as a MUC knows it. `muc` is the MUC's address (its URI: the adapter's account and the room's bare JID). */
export interface MucLineIdRecord {
  readonly muc: string;
  readonly gatewayId: string;
  /** The room's stanza-id of the line. */
  readonly roomId: string;
  /** The nick it was said under in the MUC (the bot's own, for a line it relayed). */
  readonly nick: string;
  /** The XEP-0421 occupant id the MUC gave its sender; absent where the MUC gives none (then only the nick tells). */
  readonly occupantId?: string | undefined;
  /** When it was kept (ms since the epoch): the retention goes by it. */
  readonly at: number;
}

export interface MucLineIdStore {
  /** Keeps the lines, in one transaction (a line kept again is replaced); each MUC keeps its newest MUC_LINES_KEPT by gateway id. */
  keep(lines: readonly MucLineIdRecord[]): Promise<void>;
  /** Line `gatewayId` as `muc` knows it, or undefined. */
  byGatewayId(muc: string, gatewayId: string): Promise<{ readonly roomId: string; readonly nick: string; readonly occupantId?: string } | undefined>;
  /** The gateway id of the line `muc` names `roomId`, or undefined. */
  byRoomId(muc: string, roomId: string): Promise<string | undefined>;
  /** Deletes the lines kept before `cutoff`: how many. */
  prune(cutoff: number): Promise<number>;
}
