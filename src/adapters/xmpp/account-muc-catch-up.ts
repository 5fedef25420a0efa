/**
 * What a MUC said while the linked account was not in it (its connection or its server down, a reconnect's gap, the
 * daemon stopped), fetched from the room's archive when the account is back in, as Conversations and Gajim do
 * (XEP-0313 on the room), for account-mucs.ts.
 *
 * - The room's id of each line she is given (XEP-0359 `<stanza-id by="room@service"/>`, the room's own: one by anyone
 *   else is no proof, nor one of a room that does not announce urn:xmpp:sid:0, muc-features.ts) is her mark in the
 *   room. A room whose disco#info (asked once per join, muc-features.ts) has urn:xmpp:mam:2 is asked
 *   at each join again for what follows the mark: pages of PAGE_SIZE, newest first by RSM `<before/>`, until the page
 *   that holds the mark, the archive's start, or CATCH_UP_LIMIT lines (the older ones are dropped then, logged). With
 *   no mark yet (her first join) only the archive's last id is asked, and becomes the mark ("" for an empty archive:
 *   all of it is new).
 * - Her live lines arriving from the join until the catch-up is over are held, then given after the archive's, in
 *   the room's order; one the archive gave already is not given again. Each line's id is remembered (the last
 *   SEEN_KEPT per room), so nothing is given twice.
 * - Archive results (`<message><result xmlns="urn:xmpp:mam:2" queryid>`) are taken only from the room asked and with a
 *   queryid of a query under way; any other is dropped (it would else read as a chat from whoever sent it).
 * - The mark is kept in the room's own_rooms row (`keep`, migration 24) after each live line and each catch-up, so
 *   that a restart goes on from it (`restore`).
 * - Each archived line keeps the archive's time (its forwarded `<delay/>`): the message's `sentAt`; and the room's id
 *   of it, the result's `id` (XEP-0313 section 5.1.2: the archive's id of a line is its stanza-id by the room), as a
 *   `<stanza-id by="room"/>`, which the forwarded copy lacks (Prosody's mod_muc_mam writes none there), so that a
 *   reply, reaction or retraction naming it, from the same catch-up or later, finds it; any the copy carries is not
 *   the room's word and is taken off.
 * - A room without an archive is joined as before: no history, what was said meanwhile is not shown.
 */
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import { randomUUID } from "node:crypto";
import { toGatewayError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import { NS_MAM, NS_RSM } from "./mam-query.js";
import type { AskRoom, MucFeatures } from "./muc-features.js";
import { NS } from "./stanzas.js";

export type { AskRoom } from "./muc-features.js";

/** The most lines one catch-up gives; older ones are dropped (logged). */
export const CATCH_UP_LIMIT = 1000;
const PAGE_SIZE = 100;
/** How many line ids per room are remembered, to give none twice. */
const SEEN_KEPT = 2000;

/**
 * The archived message with the time the archive gives it (the forwarded `<delay/>`, XEP-0313 section 5.1.2) as its
 * only delay, which account-muc-lines.ts reads as when it was said. A delay it carries already is taken off: the
 * room stored what the occupant's client sent, and a client may write a delay of any time, to backdate its line.
 */
function withArchiveTime(message: Element, result: Element, muc: string, id: string): Element {
  const stamp: unknown = result.getChild("forwarded", NS.forward)?.getChild("delay", NS.delay)?.attrs["stamp"];
  message.remove("delay", NS.delay);
  if (typeof stamp === "string") message.append(xml("delay", { xmlns: NS.delay, stamp }));
  // The room's id of the line: the result's (see the header), never one the stored copy carries.
  message.remove("stanza-id", NS.stanzaId);
  message.append(xml("stanza-id", { xmlns: NS.stanzaId, by: muc, id }));
  return message;
}

interface ArchivedLine {
  readonly id: string;
  readonly message: Element;
}

interface RoomMark {
  /** The room's id of the last line she was given; "" for the start of an empty archive; undefined: none yet. */
  mark?: string;
  readonly seen: Set<string>;
  /** Live lines held while a catch-up runs (undefined: none runs); their ids are read once the room's features are known. */
  held?: { readonly stanza: Element; readonly give: () => void }[];
  running?: boolean;
  /** The mark last handed to `keep`. */
  kept?: string;
}

export class AccountMucCatchUp {
  private readonly rooms = new Map<string, RoomMark>();
  /** The queries under way by queryid: the room asked and what it gave so far. */
  private readonly queries = new Map<string, { readonly muc: string; readonly lines: ArchivedLine[] }>();

  constructor(
    private readonly log: Logger,
    private readonly ask: AskRoom,
    /** What each room announced at this join: its archive, whether its stanza-ids are its own. */
    private readonly features: MucFeatures,
    /** An archived line of `muc` (the forwarded message) to give her, oldest first. */
    private readonly give: (muc: string, line: Element) => void,
    /** Keeps the room's mark for the next start (the own_rooms row). */
    private readonly keep: (muc: string, mark: string) => void,
  ) {}

  /** The mark kept from before a restart: the catch-up of the first join goes on from there. */
  restore(muc: string, mark: string): void {
    const room = this.room(muc);
    room.mark = room.kept = mark;
  }

  /** The join of `muc` is on its way: her live lines are held until its catch-up is over. */
  joining(muc: string): void {
    this.room(muc).held ??= [];
  }

  /** The room took her in: what it said since her mark is fetched and given, then the lines held. */
  async joined(muc: string): Promise<void> {
    const room = this.room(muc);
    if (room.running === true) return; // the catch-up under way gives the held lines when it ends
    room.running = true;
    try {
      if ((await this.features.answer(muc)).archive) await this.catchUp(muc, room);
    } catch (error: unknown) {
      this.log.warn({ err: toGatewayError(error), muc }, "MUC archive not read: what the room said meanwhile is not shown");
    } finally {
      delete room.running;
      this.release(muc, room);
      this.keepMark(muc, room);
    }
  }

  /** A live line of `muc`: held while its catch-up runs, else given (`give`) unless it was given already. */
  heard(muc: string, stanza: Element, give: () => void): void {
    const room = this.room(muc);
    if (room.held !== undefined) {
      room.held.push({ stanza, give });
      return;
    }
    this.giveOnce(room, this.features.stanzaIdOf(stanza, muc), give);
    this.keepMark(muc, room);
  }

  /** A message with a MAM result: true when it is one (taken from the room asked, for a query of ours; else dropped). */
  result(stanza: Element): boolean {
    const result = stanza.getChild("result", NS_MAM);
    if (result === undefined) return false;
    const query = this.queries.get(String(result.attrs["queryid"] ?? ""));
    const from = String(stanza.attrs["from"] ?? "").toLowerCase();
    const message = result.getChild("forwarded", NS.forward)?.getChild("message");
    const id = result.attrs["id"];
    if (query === undefined || from !== query.muc || message === undefined || typeof id !== "string") {
      this.log.info({ from, queryid: result.attrs["queryid"] }, "MAM result not asked for (or not from the room asked): dropped");
      return true;
    }
    query.lines.push({ id, message: withArchiveTime(message, result, query.muc, id) });
    return true;
  }

  /** The connection is gone: lines held are given (no catch-up will end now). */
  lost(): void {
    for (const [muc, room] of this.rooms) {
      if (room.running === true) continue;
      this.release(muc, room);
      this.keepMark(muc, room);
    }
  }

  /** She is no longer in `muc`. */
  forget(muc: string): void {
    this.rooms.delete(muc);
  }

  private async catchUp(muc: string, room: RoomMark): Promise<void> {
    if (room.mark === undefined) {
      const last = await this.page(muc, 1, "");
      room.mark = last.lines.at(-1)?.id ?? "";
      return;
    }
    let lines: ArchivedLine[] = [];
    let before = "";
    let found = false;
    let complete = false;
    for (;;) {
      const page = await this.page(muc, PAGE_SIZE, before);
      const at = room.mark === "" ? -1 : page.lines.findIndex((line) => line.id === room.mark);
      found = at >= 0;
      lines = [...page.lines.slice(at + 1), ...lines];
      complete = page.complete || page.lines.length === 0;
      if (found || complete || lines.length >= CATCH_UP_LIMIT) break;
      before = (page.lines[0] as ArchivedLine).id;
    }
    if (lines.length > CATCH_UP_LIMIT || (!found && !complete)) {
      this.log.warn({ muc, given: Math.min(lines.length, CATCH_UP_LIMIT), dropped: found || complete ? lines.length - CATCH_UP_LIMIT : "older lines" }, "MUC archive: only the last lines said meanwhile are shown");
      lines = lines.slice(-CATCH_UP_LIMIT);
    }
    for (const line of lines) this.giveOnce(room, line.id, () => this.give(muc, line.message));
  }

  /** One page of the room's archive, the last `max` lines before `before` ("" for the newest), oldest first. */
  private async page(muc: string, max: number, before: string): Promise<{ lines: ArchivedLine[]; complete: boolean }> {
    const queryid = randomUUID();
    const query = { muc, lines: [] as ArchivedLine[] };
    this.queries.set(queryid, query);
    try {
      const set = xml("set", { xmlns: NS_RSM }, xml("max", {}, String(max)), xml("before", {}, before));
      const answer = await this.ask(xml("iq", { type: "set", to: muc }, xml("query", { xmlns: NS_MAM, queryid }, set)));
      const fin = answer?.getChild("fin", NS_MAM);
      return { lines: query.lines, complete: fin?.attrs["complete"] === "true" };
    } finally {
      this.queries.delete(queryid);
    }
  }

  private giveOnce(room: RoomMark, id: string | undefined, give: () => void): void {
    if (id !== undefined) {
      if (room.seen.has(id)) return;
      room.seen.add(id);
      if (room.seen.size > SEEN_KEPT) room.seen.delete(room.seen.values().next().value as string);
      room.mark = id;
    }
    give();
  }

  private keepMark(muc: string, room: RoomMark): void {
    if (room.mark === undefined || room.mark === room.kept) return;
    room.kept = room.mark;
    this.keep(muc, room.mark);
  }

  private release(muc: string, room: RoomMark): void {
    const held = room.held ?? [];
    delete room.held;
    for (const { stanza, give } of held) this.giveOnce(room, this.features.stanzaIdOf(stanza, muc), give);
  }

  private room(muc: string): RoomMark {
    let room = this.rooms.get(muc);
    if (room === undefined) {
      room = { seen: new Set() };
      this.rooms.set(muc, room);
    }
    return room;
  }
}
