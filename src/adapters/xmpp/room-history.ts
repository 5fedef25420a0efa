/**
 * Room history for an XMPP user joining a gateway MUC (XEP-0045 section 7.2.15): how much the join asks for
 * (`<history maxstanzas seconds since maxchars/>` in its `<x xmlns="http://jabber.org/protocol/muc"/>`, capped by
 * the configured `room_history`), and each message as a groupchat from its sender's occupant JID, marked as
 * delayed with the time it was said (XEP-0203): its `sentAt` when its network told one, else the time the gateway
 * accepted it.
 */
import type { Element } from "ltx";
import type { Message } from "../../core/model/message.js";
import { occupantIdElement } from "./occupant-ids.js";
import { delayElement, NS, stanzaId } from "./stanzas.js";
import { saidAt } from "../../core/model/sent-at.js";
import { isModeration } from "./retraction-stanzas.js";
import { roomLine } from "./room-line.js";

export interface HistoryRequest {
  /** How many of the last messages, at most. */
  readonly maxStanzas: number;
  /** Only messages accepted at or after this time (ms since the epoch), when given. */
  readonly since?: number;
}

/** What a join asks for, within `configured` (the server's own limit). */
export function historyRequest(join: Element, configured: number, now = Date.now()): HistoryRequest {
  const history = join.getChild("x", NS.muc)?.getChild("history");
  if (!history) return { maxStanzas: configured };
  const number = (name: string): number | undefined => {
    const text = history.attrs[name];
    if (typeof text !== "string" || !/^\d+$/.test(text)) return undefined;
    return Number(text);
  };
  // maxchars counts the characters of the stanzas themselves; only its 0 ("no history") is taken literally.
  if (number("maxchars") === 0) return { maxStanzas: 0 };
  const maxStanzas = Math.min(configured, number("maxstanzas") ?? configured);
  const seconds = number("seconds");
  const sinceText = history.attrs["since"];
  const sinceDate = typeof sinceText === "string" ? Date.parse(sinceText) : NaN;
  const bounds = [seconds === undefined ? undefined : now - seconds * 1000, Number.isNaN(sinceDate) ? undefined : sinceDate].filter((bound): bound is number => bound !== undefined);
  return bounds.length === 0 ? { maxStanzas } : { maxStanzas, since: Math.max(...bounds) };
}

/**
 * One message of the history, to `to`, from the room JID of its sender's nick, delayed to when it was said, under the
 * ids `to` knows it and the message it corrects by (RoomMessages.idsSeenBy), with its sender's occupant id
 * (XEP-0421, occupant-ids.ts), its attachments and the line it answers (XEP-0461), as live (room-line.ts).
 */
export function historyMessage(message: Message, roomJid: string, to: string, ids: { readonly id: string; readonly replaces?: string }, occupantId: string): Element {
  const line = roomLine(message, { roomJid, to, ids, occupantId });
  line.append(delayElement({ from: roomJid, stamp: saidAt(message) }));
  line.append(stanzaId(message.id, roomJid));
  if (!isModeration(message)) line.append(occupantIdElement(occupantId));
  return line;
}
