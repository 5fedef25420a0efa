/**
 * The rooms' own ids of the lines an adapter carries in rooms of its network that it is an occupant of (an XMPP bridge
 * bot's or linked account's MUCs: XEP-0359 stanza-ids), kept in the store (store/muc-line-id-store.ts) so that a
 * retraction or a reply of a line from before a restart still names it. Writes are batched per event-loop turn
 * (write-batcher.ts), as the message log's are: a line relayed costs no transaction of its own. A failed write or read
 * is logged and is as if nothing were kept: the line is then named as when the gateway never knew its room's id.
 */
import type { Logger } from "./logger.js";
import { addressKey, makeAddress, type ProtocolId } from "./model/address.js";
import { WriteBatcher } from "./write-batcher.js";
import type { MucLineIdRecord, MucLineIdStore } from "../store/muc-line-id-store.js";

/** A line as the room knows it: its id there, the nick it was said under, and its sender's occupant id where the room gives them (XEP-0421). */
export interface RoomLine {
  readonly roomId: string;
  readonly nick: string;
  readonly occupantId?: string | undefined;
}

/** One adapter's view (AdapterContext.mucLines): rooms named by their id on its network (a MUC's bare JID). */
export interface MucLines {
  /** Keeps line `gatewayId` of `room` as the room knows it; written with the next batch. */
  keep(room: string, gatewayId: string, line: RoomLine): void;
  lineOf(room: string, gatewayId: string): Promise<RoomLine | undefined>;
  gatewayIdOf(room: string, roomId: string): Promise<string | undefined>;
}

export class MucLineLog {
  private readonly batcher: WriteBatcher<MucLineIdRecord>;

  constructor(
    private readonly store: MucLineIdStore,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.batcher = new WriteBatcher((batch) => store.keep(batch));
  }

  /** What the adapter of `protocol`/`account` sees: its own rooms' lines only. */
  of(protocol: ProtocolId, account: string): MucLines {
    // Rooms' ids on XMPP are JIDs, compared in any case.
    const key = (room: string): string => addressKey(makeAddress(protocol, account, room.toLowerCase()));
    return {
      keep: (room, gatewayId, line) => {
        this.batcher.offer({ muc: key(room), gatewayId, roomId: line.roomId, nick: line.nick, occupantId: line.occupantId, at: this.now() }).catch((error: unknown) => this.log.warn({ err: error, room }, "MUC line id not kept"));
      },
      lineOf: (room, gatewayId) => this.read(room, () => this.store.byGatewayId(key(room), gatewayId)),
      gatewayIdOf: (room, roomId) => this.read(room, () => this.store.byRoomId(key(room), roomId)),
    };
  }

  /** Resolves once everything kept so far is written (or failed): before the store closes. */
  drain(): Promise<void> {
    return this.batcher.drain();
  }

  private async read<T>(room: string, lookUp: () => Promise<T | undefined>): Promise<T | undefined> {
    try {
      return await lookUp();
    } catch (error: unknown) {
      this.log.warn({ err: error, room }, "MUC line id not read");
      return undefined;
    }
  }
}
