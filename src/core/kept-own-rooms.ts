/**
 * The rooms people joined through their own linked account (core/own-rooms.ts: a MUC joined by `room.join` of
 * `xmpp://u.alice/room@conference.example.org`), kept in the store so that the account joins them again after a daemon
 * restart, as BitlBee's autojoin does. A row is written once the room took her in, with the nick she asked for (or took
 * since with room.nick) and the
 * room's password sealed with the credential key (as the account's own password is: linked accounts need that key, so
 * a room password is never stored in clear), and removed when she leaves, when she is put out (kicked, banned, the room
 * destroyed) or a join again is refused (the room gone, her ban, a changed password: never tried again in a loop), when
 * she unlinks the account and with her account's deletion. A disabled account keeps them for when it is enabled again.
 * Reconnects within a run need none of this: the account's adapter remembers its rooms (adapters/xmpp/account-mucs.ts).
 */
import type { CredentialBox } from "./credential-box.js";
import { toGatewayError } from "./errors.js";
import type { Logger } from "./logger.js";
import { addressKey, type Address, type ProtocolId } from "./model/address.js";
import type { OwnRoomRecord, OwnRoomStore } from "../store/store.js";

/** A room to join again: where, under which nick, with which password (absent: none). */
export interface RoomToRejoin {
  readonly room: Address;
  readonly nick: string;
  readonly key?: string;
  /** The room's id of the last line she was given there (adapters/xmpp/account-muc-catch-up.ts); absent: none yet. */
  readonly archiveMark?: string;
}

/** The associated data a sealed room password is bound to: it opens only for the same owner and room. */
function sealContext(owner: Address, room: Address): string {
  return `${addressKey(owner)}\n${addressKey(room)}\nroom key`;
}

export class KeptOwnRooms {
  constructor(
    private readonly store: OwnRoomStore,
    /** The credential key's box; undefined when none is set (then linked accounts are off, and nothing is joined). */
    private readonly box: CredentialBox | undefined,
    private readonly log: Logger,
  ) {}

  /** She is in the room now: kept (a failure to write is logged: she is in the room either way, for this run). */
  async keep(owner: Address, joined: RoomToRejoin): Promise<void> {
    if (joined.key !== undefined && joined.key !== "" && !this.box) {
      this.log.warn({ owner: addressKey(owner), room: addressKey(joined.room) }, "room with a password not kept: no credential key");
      return;
    }
    const secret = joined.key === undefined || joined.key === "" || !this.box ? {} : { secret: this.box.seal(joined.key, sealContext(owner, joined.room)) };
    const record: OwnRoomRecord = { owner, room: joined.room, nick: joined.nick, ...secret, joinedAt: Date.now() };
    await this.store.put(record).catch((error: unknown) => this.log.warn({ err: toGatewayError(error), owner: addressKey(owner), room: addressKey(joined.room) }, "room not kept for the next start"));
  }

  /** She took another nick in the room: joined again under it (the row's password as it is). Logged when it fails. */
  async renamed(owner: Address, room: Address, nick: string): Promise<void> {
    try {
      const record = (await this.store.listOn(owner, room.protocol, room.account)).find((kept) => addressKey(kept.room) === addressKey(room));
      if (record !== undefined && record.nick !== nick) await this.store.put({ ...record, nick });
    } catch (error: unknown) {
      this.log.warn({ err: toGatewayError(error), owner: addressKey(owner), room: addressKey(room) }, "room's new nick not kept for the next start");
    }
  }

  /** She was given the room's lines up to `archiveMark` (its XEP-0359 id): after a restart its archive is read from there. Logged when it fails. */
  async marked(owner: Address, room: Address, archiveMark: string): Promise<void> {
    await this.store.mark(owner, room, archiveMark).catch((error: unknown) => this.log.warn({ err: toGatewayError(error), owner: addressKey(owner), room: addressKey(room) }, "room's archive mark not kept for the next start"));
  }

  /** She left the room, was put out of it, or a join again was refused: not joined again. */
  async forget(owner: Address, room: Address): Promise<void> {
    await this.store.remove(owner, room).catch((error: unknown) => this.log.warn({ err: toGatewayError(error), owner: addressKey(owner), room: addressKey(room) }, "room kept not forgotten"));
  }

  /** Her account was unlinked: none of the rooms joined through it is joined again. */
  async forgetAccount(owner: Address, protocol: ProtocolId, account: string): Promise<number> {
    return this.store.removeOn(owner, protocol, account);
  }

  /**
   * The rooms to join again through her account `protocol`/`account`. A password that does not open (the credential key
   * changed) leaves that room out, logged, and its row as it is, as a linked account's is (core/linked-accounts.ts).
   */
  async toRejoin(owner: Address, protocol: ProtocolId, account: string): Promise<RoomToRejoin[]> {
    const rooms: RoomToRejoin[] = [];
    for (const record of await this.store.listOn(owner, protocol, account)) {
      try {
        const key = record.secret === undefined ? {} : { key: this.opened(record) };
        rooms.push({ room: record.room, nick: record.nick, ...key, ...(record.archiveMark === undefined ? {} : { archiveMark: record.archiveMark }) });
      } catch (error: unknown) {
        this.log.error({ err: toGatewayError(error), owner: addressKey(owner), room: addressKey(record.room) }, "room not joined again: its password does not open");
      }
    }
    return rooms;
  }

  private opened(record: OwnRoomRecord): string {
    if (!this.box || record.secret === undefined) throw new Error("no credential key to open the room's password");
    return this.box.open(record.secret, sealContext(record.owner, record.room));
  }
}
