/**
 * The MUCs' own ids of the lines a bridge bot or a linked account carries (XEP-0359 <stanza-id by="room"/>), by each
 * line's gateway id: those it wrote into a MUC (taken from the reflection of each line) and the occupants' lines it
 * passed on from one.
 * A XEP-0424 retraction in a MUC names a line by the room's stanza-id (section 5), and so does a XEP-0461 reply, with
 * the nick that said the line there: only a line known here is answered (answered), none of the bridged room's other lines. The occupant id (XEP-0421) of its sender is kept too: who said it (saidBy). Bounded, as the ids of occupants' lines are (message-memory.ts): retractions and
 * replies are of recent lines. Each line is also kept in the store (core/muc-line-log.ts: the newest 1,000 per MUC,
 * with the message log's retention), read when the memory has no line: one from before a restart. With the message
 * log off (store.message_log) nothing is kept there, and a line from before a restart is not known.
 */
import type { Element } from "ltx";
import type { MucLines } from "../../core/muc-line-log.js";
import { RecentMap } from "./message-memory.js";
import { NS } from "./stanzas.js";

/** How long a retraction or reply waits for the reflection of a line sent a moment before (it is usually there in milliseconds). */
const ECHO_WAIT_MS = 5000;

/**
 * A line as a MUC knows it: the room's stanza-id of it, the nick it was said under there (the bot's, for its own), and
 * the XEP-0421 occupant id the MUC gave its sender, where it gives them.
 */
export interface MucLine {
  readonly roomId: string;
  readonly nick: string;
  readonly occupantId?: string | undefined;
}

/** Who says a line now, as a MUC shows it: the nick, and the occupant id where the MUC gives them. */
export interface MucSpeaker {
  readonly nick: string;
  readonly occupantId?: string | undefined;
}

export class MucLineIds {
  /** "muc gateway-id" -> the line as the MUC knows it. */
  private readonly lines = new RecentMap<MucLine>();
  /** "muc room-stanza-id" -> the line's gateway id. */
  private readonly gatewayIds = new RecentMap<string>();
  /** Lines sent whose reflection has not come yet: a retraction right after its line waits for the room's id. */
  private readonly unechoed = new RecentMap<() => void>();
  private readonly echoes = new RecentMap<Promise<void>>();
  /**
   * Occupants' lines handed to the core and not in its log yet, by "muc room-stanza-id": their gateway id to come
   * (undefined: not taken). A retraction or reaction read right after its line (a catch-up gives a room's archive at
   * once) waits for it rather than finding the line unknown, here or in the log. Each leaves once settled.
   */
  private readonly arriving = new Map<string, Promise<string | undefined>>();

  /** `kept`: the store's lines (none with the message log off, or in tests of the memory alone). */
  constructor(private readonly kept?: MucLines) {}

  /** The bot wrote line `gatewayId` to `muc`: its reflection is awaited. */
  sent(muc: string, gatewayId: string): void {
    const key = keyOf(muc, gatewayId);
    this.echoes.set(key, new Promise((resolve) => this.unechoed.set(key, resolve)));
  }

  /**
   * The MUC reflected one of the bot's own lines, said as `nick`: the bot sent it with the gateway id as its stanza id,
   * which a MUC keeps in the reflection (XEP-0045 section 7.2.16); the room's stanza-id there is remembered for that gateway id.
   * Only for a line it sent and has not seen reflected yet: while the bot is out of the MUC (a reconnect, a kick)
   * someone else may hold its nick, and their line, under any stanza id, would otherwise stand for one of the bot's
   * (a reply or retraction naming it) or, with ids sorting after the gateway's, push the MUC's real lines out of the store.
   */
  echoed(stanza: Element, muc: string, nick: string): void {
    const gatewayId = stanza.attrs["id"];
    if (typeof gatewayId !== "string" || gatewayId === "") return;
    const key = keyOf(muc, gatewayId);
    if (this.echoes.get(key) === undefined) return;
    // A MUC that gives no stanza-ids is answered by the line's own id, which for the bot's line is the gateway id.
    this.received(muc, mucStanzaId(stanza, muc) ?? gatewayId, gatewayId, { nick, occupantId: occupantIdOf(stanza) });
    this.unechoed.get(key)?.();
    this.unechoed.delete(key);
    this.echoes.delete(key);
  }

  /** An occupant's line of `muc`, said by `speaker` with the room's stanza-id `roomId`, was accepted as `gatewayId`. */
  received(muc: string, roomId: string, gatewayId: string, speaker: MucSpeaker): void {
    const line = { roomId, nick: speaker.nick, ...(speaker.occupantId === undefined ? {} : { occupantId: speaker.occupantId }) };
    this.lines.set(keyOf(muc, gatewayId), line);
    this.gatewayIds.set(keyOf(muc, roomId), gatewayId);
    this.kept?.keep(muc, gatewayId, line);
  }

  /** An occupant's line of `muc` with the room's stanza-id `roomId` is being accepted: `accepted` gives its gateway id once logged. */
  accepting(muc: string, roomId: string, accepted: Promise<string | undefined>): void {
    const key = keyOf(muc, roomId);
    this.arriving.set(key, accepted);
    void accepted.then(() => {
      if (this.arriving.get(key) === accepted) this.arriving.delete(key);
    });
  }

  /** The gateway id of the line `muc` names `roomId`: the memory's, else the store's (a line from before a restart). */
  async gatewayIdOf(muc: string, roomId: string): Promise<string | undefined> {
    return this.gatewayIds.get(keyOf(muc, roomId)) ?? (await this.kept?.gatewayIdOf(muc, roomId));
  }

  /**
   * The gateway id a XEP-0461 reply in `muc` naming `id` answers, only of a line of that MUC: one the room names so
   * (its stanza-id, or where it gives none the bot's own id of its line), or a line of the MUC named by its gateway id
   * (the id of the bot's line, which a client may name it by). At once when the memory has the line, so that a line
   * answering a recent one is passed on in its turn; else looked up in the store (a line from before a restart); else
   * undefined: the reply goes on as a plain line. Never an id passed on unchecked: gateway ids are guessable, and the
   * core would quote any line of the bridged room, also one said before the bridge or never relayed to this MUC.
   */
  answered(muc: string, id: string): string | undefined | Promise<string | undefined> {
    // A line read just before, still being accepted (until it is in the log, where the core looks for it).
    const arriving = this.arriving.get(keyOf(muc, id));
    if (arriving !== undefined) return arriving;
    const remembered = this.gatewayIds.get(keyOf(muc, id)) ?? (this.lines.get(keyOf(muc, id)) === undefined ? undefined : id);
    if (remembered !== undefined || this.kept === undefined) return remembered;
    const kept = this.kept;
    return kept.gatewayIdOf(muc, id).then(async (byRoomId) => byRoomId ?? ((await kept.lineOf(muc, id)) === undefined ? undefined : id));
  }

  /** Line `gatewayId` as `muc` knows it, once its reflection came if the bot has just sent it; undefined when not known. */
  async lineOf(muc: string, gatewayId: string): Promise<MucLine | undefined> {
    const key = keyOf(muc, gatewayId);
    const echo = this.echoes.get(key);
    if (echo !== undefined && this.lines.get(key) === undefined) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([echo, new Promise<void>((resolve) => (timer = setTimeout(resolve, ECHO_WAIT_MS)))]);
      clearTimeout(timer);
    }
    return this.lines.get(key) ?? (await this.kept?.lineOf(muc, gatewayId));
  }

  /**
   * The id by which a retraction names the bot's line `gatewayId` in `muc`: the room's stanza-id, or where the MUC gave
   * none (or the line is known neither here nor in the store) the bot's own stanza id, the gateway id, as XEP-0424
   * before 0.4 did.
   */
  async retractionTarget(muc: string, gatewayId: string): Promise<string> {
    return (await this.lineOf(muc, gatewayId))?.roomId ?? gatewayId;
  }
}

/**
 * Whether `speaker` said `line`: by the occupant ids where the MUC gave both (the same person, whatever nick she has
 * now; never whoever took her nick since). Where the line has none (the MUC gives none) only the nick tells, which
 * someone who took it after its holder left also passes: the weaker rule of MUCs without XEP-0421. A line with an
 * occupant id is not a speaker's who has none now: the bot cannot tell.
 */
export function saidBy(line: MucSpeaker, speaker: MucSpeaker): boolean {
  if (line.occupantId !== undefined) return line.occupantId === speaker.occupantId;
  return line.nick === speaker.nick;
}

/**
 * The XEP-0421 occupant id in a stanza of an occupant's: the MUC's only where it announces XEP-0421 (it then strips any
 * the occupant's client put there); callers ask muc-features.ts, which knows.
 */
export function occupantIdOf(stanza: Element): string | undefined {
  const id = stanza.getChild("occupant-id", NS.occupantId)?.attrs["id"];
  return typeof id === "string" && id.length > 0 ? id : undefined;
}

function keyOf(muc: string, id: string): string {
  return `${muc.toLowerCase()} ${id}`;
}

/**
 * The id the MUC itself gave a line (XEP-0359 <stanza-id by="muc"/>); any other's is not the room's. Not even that one
 * where the MUC does not announce urn:xmpp:sid:0 (a client may have written it): callers ask muc-features.ts.
 */
export function mucStanzaId(stanza: Element, muc: string): string | undefined {
  const room = muc.toLowerCase();
  for (const sid of stanza.getChildren("stanza-id", NS.stanzaId)) {
    const { by, id } = sid.attrs as { by?: unknown; id?: unknown };
    if (typeof by === "string" && by.toLowerCase() === room && typeof id === "string" && id !== "") return id;
  }
  return undefined;
}
