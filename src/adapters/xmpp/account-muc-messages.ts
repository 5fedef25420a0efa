/**
 * The groupchat messages of the MUCs a linked account is in for its owner (account-mucs.ts): a room's refusal of her
 * line or subject (account-muc-changes.ts), a subject (shown when it changes, account-muc-reports.ts), an occupant's
 * line (account-muc-lines.ts; not the history replayed at her join, muc-history-gate.ts), held while the room's
 * archive is read at a join again and given once, and the lines of that archive, whose last id is kept for a restart
 * (account-muc-catch-up.ts, `AdapterContext.ownRooms.marked`).
 */
import type { Element } from "ltx";
import type { AdapterContext } from "../../core/adapter.js";
import { AccountMucCatchUp, type AskRoom } from "./account-muc-catch-up.js";
import type { MucFeatures } from "./muc-features.js";
import type { MucChanges } from "./account-muc-changes.js";
import type { AccountMucLines } from "./account-muc-lines.js";
import { occupantOf, type AccountMucOccupants } from "./account-muc-occupants.js";
import type { AccountMucReports } from "./account-muc-reports.js";
import type { JoinedMuc } from "./account-muc-state.js";
import { isReplayedHistory, isSubjectMessage } from "./muc-history-gate.js";
import { parseStanzaError } from "./parse.js";
import { NS_REACTIONS } from "./reaction-stanzas.js";

export interface MucMessageParts {
  readonly changes: MucChanges;
  readonly lines: AccountMucLines;
  readonly occupants: AccountMucOccupants;
  readonly reports: AccountMucReports;
}

export class AccountMucMessages {
  /** What a room with an archive said while she was out (account-muc-catch-up.ts). */
  readonly archive: AccountMucCatchUp;

  constructor(
    private readonly context: AdapterContext,
    /** Her state in a room of hers (bare JID, lower case); undefined for any other. */
    private readonly room: (muc: string) => JoinedMuc | undefined,
    private readonly parts: MucMessageParts,
    ask: AskRoom,
    features: MucFeatures,
  ) {
    const keep = (muc: string, mark: string): void => {
      Promise.resolve()
        .then(() => context.ownRooms.marked(parts.occupants.roomAddress(muc), mark))
        .catch((error: unknown) => context.log.warn({ err: error, muc }, "MUC archive mark not kept"));
    };
    this.archive = new AccountMucCatchUp(context.log, ask, features, (muc, line) => this.archived(muc, line), keep);
  }

  /** A message from one of her rooms (true: handled here). Private messages from occupants (type chat) are not: they are chats (occupantAt). */
  message(stanza: Element): boolean {
    if (this.archive.result(stanza)) return true; // the room's archive, asked at a join again (or a forgery: dropped)
    const { muc, nick } = occupantOf(String(stanza.attrs["from"] ?? ""));
    const state = this.room(muc);
    const type = stanza.attrs["type"];
    if (!state || (type !== "groupchat" && !(type === "error" && nick === ""))) return false;
    if (type === "error") {
      const error = parseStanzaError(stanza);
      if (!this.parts.changes.messageError(muc, stanza.attrs["id"] as string | undefined, error.condition, error.text)) this.context.log.info({ muc, id: stanza.attrs["id"], error }, "the MUC refused a line");
      return true;
    }
    const subject = stanza.getChild("subject");
    if (subject !== undefined && isSubjectMessage(stanza)) {
      state.live = true; // the end of the history replayed at her join: what follows is live (muc-history-gate.ts)
      const topic = subject.getText();
      if (nick === state.nick) this.parts.changes.subjectShown(muc, topic);
      if (topic !== state.subject) {
        state.subject = topic;
        this.parts.reports.topic(muc, topic, nick);
      }
      return true;
    }
    // History replayed at her join: what she missed comes from the room's archive instead (account-muc-catch-up.ts).
    if (isReplayedHistory(stanza, state.live === true)) return true;
    const { lines, occupants } = this.parts;
    this.archive.heard(muc, stanza, () => lines.heard(stanza, occupants.roomAddress(muc), nick, state.nick, occupants.occupantAddress(muc, nick)));
    return true;
  }

  /**
   * A line of the room's archive (account-muc-catch-up.ts): given as a line of the occupant it names, as heard live;
   * so is a XEP-0444 reaction there (it has no body: an archive keeps one with a store hint, as Prosody's does).
   */
  private archived(muc: string, line: Element): void {
    const state = this.room(muc);
    const from = occupantOf(String(line.attrs["from"] ?? ""));
    if (!state || from.muc !== muc || (line.getChild("body") === undefined && line.getChild("reactions", NS_REACTIONS) === undefined)) return;
    const { lines, occupants } = this.parts;
    lines.heard(line, occupants.roomAddress(muc), from.nick, state.nick, occupants.occupantAddress(muc, from.nick), true);
  }
}
