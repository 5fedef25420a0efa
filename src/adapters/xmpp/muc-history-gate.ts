/**
 * Which groupchat lines of a MUC are the history it replays at a join, for the bridge bot (bot-muc-lines.ts) and a
 * linked account's rooms (account-muc-messages.ts). XEP-0045 sections 7.2.15-7.2.16: after the join, a room sends
 * its history (each line with a XEP-0203 `<delay/>`), then its subject (a groupchat `<subject/>` without a body),
 * and only then live traffic. So a line is history only while the room's subject has not come since the join, and
 * carries a delay; after the subject every line is live, delay or not.
 *
 * Why not the delay alone: a sender's client may add a `<delay/>` to a live line, and the room passes it on. Read as
 * history, that line would reach everyone in the MUC but never the bridged networks: a line the other side never
 * sees. Such a delay says nothing about when the line was said either (core/model/sent-at.ts): a live line keeps none.
 */
import type { Element } from "ltx";
import { NS } from "./stanzas.js";

/** A room's subject message (section 7.2.16): a `<subject/>` and no body. The end of the history it replays. */
export function isSubjectMessage(stanza: Element): boolean {
  return stanza.getChild("subject") !== undefined && stanza.getChild("body") === undefined;
}

/**
 * A line the room replays as history: one with a delay, in a room (`live` false) whose subject has not come since
 * the join. A room that sends no subject keeps its delayed lines taken for history, as before.
 */
export function isReplayedHistory(stanza: Element, live: boolean): boolean {
  return !live && stanza.getChild("delay", NS.delay) !== undefined;
}

/**
 * The MUCs (bare JID, any case) whose subject came since the bot's join: their lines are live. Bounded by the MUCs
 * joined (each is reset at its join and forgotten when left).
 */
export class MucHistoryGate {
  private readonly live = new Set<string>();

  /** The join of `muc` is on its way: its lines are history again until its subject comes. */
  joining(muc: string): void {
    this.live.delete(muc.toLowerCase());
  }

  /** The MUC is left (or no longer bridged): nothing kept of it. */
  left(muc: string): void {
    this.live.delete(muc.toLowerCase());
  }

  /** A groupchat message of `muc`: its subject ends the history. True: a line of that history, not to be relayed. */
  history(muc: string, stanza: Element): boolean {
    if (isSubjectMessage(stanza)) {
      this.live.add(muc.toLowerCase());
      return false;
    }
    return isReplayedHistory(stanza, this.live.has(muc.toLowerCase()));
  }
}
