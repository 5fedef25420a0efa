/**
 * A bridge bot's failure reports (bot-adapter.ts reportFailure): an occupant whose line did not reach another room of
 * the bridge (an IRC channel refused it, it expired) is told in a private message in the MUC (XEP-0045 7.5), the
 * only way the bot can reach them. To them only: the bot remembers who said each recent line it relayed
 * (muc-occupants.ts identify) and writes to the nick they have now (nickOf), never to whoever took their nick since.
 * A line of theirs that the bot could not relay at all (tell) is answered at once, to the nick that said it.
 */
import { xml } from "@xmpp/client";
import type { Element } from "ltx";
import type { AdapterContext } from "../../core/adapter.js";
import { GatewayError } from "../../core/errors.js";
import { failureNotice } from "../../core/failure-reports.js";
import { addressKey, type Address } from "../../core/model/address.js";
import type { Message } from "../../core/model/message.js";
import type { XmppBotRoomConfig } from "../../config/config-types.js";
import { RecentMap } from "./message-memory.js";
import type { MucSpeaker } from "./muc-line-ids.js";
import type { MucOccupants, OccupantIdentity } from "./muc-occupants.js";
import { stripInvalidXmlChars } from "./xml-safety.js";

/** What the reports need of their bot. */
export interface ReportingBot {
  /** The bot's JID, for the errors it answers with. */
  readonly jid: string;
  online(): boolean;
  /** The bridged MUC of a bare JID, in any case. */
  roomOf(muc: string): XmppBotRoomConfig | undefined;
  /** The bot is out of the MUC (lower case) for good: banned, destroyed, its join refused. */
  outOf(muc: string): boolean;
  write(element: Element): Promise<void>;
}

export class BotFailureReports {
  /** Who said each recent line the bot relayed (by gateway id): its failure report is for them, not for their nick's next holder. */
  private readonly senders = new RecentMap<OccupantIdentity>();
  /** Senders whose failure report waits for the bot's join of their MUC to list its occupants (by MUC, lower case; by address key). */
  private readonly reportsWaiting = new Map<string, Map<string, Address>>();

  constructor(
    private readonly context: AdapterContext,
    private readonly occupants: MucOccupants,
    private readonly bot: ReportingBot,
  ) {}

  /** The line the core accepted as `id` was said by `sender`. */
  said(id: string, sender: OccupantIdentity): void {
    this.senders.set(id, sender);
  }

  /** Who said line `id`, under the nick she had then, while the bot remembers it (not after a restart). */
  sender(id: string): OccupantIdentity | undefined {
    return this.senders.get(id);
  }

  /**
   * Whether `speaker` said line `id` of `muc`: by the occupant ids (XEP-0421) where the MUC gave both, else whether
   * her nick is held now by the occupant who said it (muc-occupants.ts nickOf): false for whoever took that nick
   * since, and when the bot cannot tell. Undefined when the bot no longer remembers who said the line (a restart).
   */
  saidBy(id: string, muc: string, speaker: MucSpeaker): boolean | undefined {
    const sender = this.senders.get(id);
    if (sender === undefined) return undefined;
    if (sender.occupantId !== undefined && speaker.occupantId !== undefined) return sender.occupantId === speaker.occupantId;
    return this.occupants.nickOf(muc, sender) === speaker.nick;
  }

  /**
   * An occupant's line failed elsewhere: they are told, under the nick they have now. When the bot cannot tell
   * (they left, it no longer knows the line: a restart), the report is dropped.
   */
  async report(message: Message, recipient: Address, error: GatewayError): Promise<void> {
    const slash = message.from.id.indexOf("/");
    const room = this.bot.roomOf(message.from.id.slice(0, Math.max(slash, 0)));
    if (message.from.account !== this.context.account || slash < 0 || !room) return; // not an occupant of one of its MUCs now
    if (!this.bot.online()) throw new GatewayError("GW_ERR_UNAVAILABLE", `XMPP bot ${this.bot.jid} is not connected`, { retryable: true });
    const key = room.muc.toLowerCase();
    // A MUC that refused the bot's join stays "joining" until it is tried again: the bot is not in it.
    if (!this.bot.outOf(key) && this.occupants.state(key) === "joining") {
      // Told again once the MUC listed its occupants (listed()): only then can the bot find the sender.
      const waiting = this.reportsWaiting.get(key) ?? new Map<string, Address>();
      this.reportsWaiting.set(key, waiting.set(addressKey(message.from), message.from));
      throw new GatewayError("GW_ERR_UNAVAILABLE", `XMPP bot ${this.bot.jid} is joining ${room.muc}`, { retryable: true });
    }
    const sender = this.senders.get(message.id);
    const nick = sender === undefined ? undefined : this.occupants.nickOf(key, sender);
    if (nick === undefined) {
      // The text is theirs alone: not logged.
      this.context.log.info({ muc: room.muc, id: message.id, code: error.code }, "failure report dropped: its sender is not in the MUC now (or the bot cannot tell them from whoever holds their nick)");
      return;
    }
    await this.bot.write(xml("message", { to: `${room.muc}/${nick}`, type: "chat", id: `failed-${message.id}` }, xml("body", {}, stripInvalidXmlChars(failureNotice(recipient, error)))));
  }

  /** Tells the occupant `nick` of `room`'s MUC now, in a private message; a write that fails is only logged. */
  tell(room: XmppBotRoomConfig, nick: string, text: string): void {
    if (!this.bot.online()) return;
    this.bot
      .write(xml("message", { to: `${room.muc}/${nick}`, type: "chat" }, xml("body", {}, stripInvalidXmlChars(text))))
      .catch((error: unknown) => this.context.log.info({ err: error, muc: room.muc }, "could not tell an occupant"));
  }

  /** The MUC listed its occupants: failure reports that waited for the list may find their senders now. */
  listed(muc: string): void {
    const waiting = this.reportsWaiting.get(muc.toLowerCase());
    this.reportsWaiting.delete(muc.toLowerCase());
    for (const address of waiting?.values() ?? []) this.context.dispatch({ type: "reachable", address });
  }

  /** The bot is out of the MUC (lower case) for good: reports waiting for its list wait no more. */
  forget(muc: string): void {
    this.reportsWaiting.delete(muc);
  }

  /** The connection is gone: the reports waiting for a list wait for the reconnect (network-reachable) instead. */
  clear(): void {
    this.reportsWaiting.clear();
  }
}
